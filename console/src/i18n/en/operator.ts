/** The operator area's strings (en). */
export default {
};
