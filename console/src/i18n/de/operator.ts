/** The operator area's strings (de). */
export default {
};
