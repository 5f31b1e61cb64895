// The C interface of OpenBLAS: cblas_sgemm and friends, plus openblas_get_corename,
// openblas_set_num_threads and openblas_get_num_threads. The include folder comes
// from `pkg-config --cflags openblas` (Debian puts it under its multiarch folder).
#include <cblas.h>
