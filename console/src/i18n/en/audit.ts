/** The audit area's strings (en). */
export default {
};
