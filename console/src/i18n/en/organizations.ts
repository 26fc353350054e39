/** The organizations area's strings (en). */
export default {
};
