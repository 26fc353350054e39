/** The routing area's strings (en). */
export default {
};
