/** The auth area's strings (en). */
export default {
};
