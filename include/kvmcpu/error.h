/* SPDX-License-Identifier: MIT */
/* The export macro and the error record now live in common.h; kept so older includes build. */
#ifndef KVMCPU_ERROR_H
#define KVMCPU_ERROR_H
#include "common.h"
#endif
