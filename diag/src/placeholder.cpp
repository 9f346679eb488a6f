// Placeholder so that the library exists before its first real source lands; removed then.
namespace emqx::diag::detail {
int placeholder() { return 0; }
} // namespace emqx::diag::detail
