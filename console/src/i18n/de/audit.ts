/** The audit area's strings (de). */
export default {
};
