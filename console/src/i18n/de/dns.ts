/** The dns area's strings (de). */
export default {
};
