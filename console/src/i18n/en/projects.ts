/** The projects area's strings (en). */
export default {
};
