/** The domains area's strings (en). */
export default {
};
