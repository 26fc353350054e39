/** The routing area's strings (de). */
export default {
};
