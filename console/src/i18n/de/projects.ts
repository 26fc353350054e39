/** The projects area's strings (de). */
export default {
};
