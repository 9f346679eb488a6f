// Placeholder so that the library exists before its first real source lands; removed then.
namespace emqx::health::detail {
int placeholder() { return 0; }
} // namespace emqx::health::detail
