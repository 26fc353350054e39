/** The domains area's strings (de). */
export default {
};
