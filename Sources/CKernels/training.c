// Training kernels: entry points (see ck_training.h). Filled in by training_kernels.c.
#include "ck_training.h"
