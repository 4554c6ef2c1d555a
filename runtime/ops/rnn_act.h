/* rnn_act.h — the eleven activation functions of the recurrent ops, applied in place. */
#ifndef LSTM_RNN_ACT_H
#define LSTM_RNN_ACT_H

#include "ops/rnn_attrs.h"

void lstm__act_apply(const lstm__act *a, float *x, int n);
/* The same with the kernel set chosen once by the caller (simd.h), for the step loop. */
void lstm__act_apply_isa(int isa, const lstm__act *a, float *x, int n);
/* One element (reference for tests). */
float lstm__act_one(const lstm__act *a, float x);

#endif
