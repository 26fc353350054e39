/** The auth area's strings (de). */
export default {
};
