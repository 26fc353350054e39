/** The plans area's strings (en). */
export default {
};
