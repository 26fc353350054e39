/** The plans area's strings (de). */
export default {
};
