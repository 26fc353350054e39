/** The dns area's strings (en). */
export default {
};
