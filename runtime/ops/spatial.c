/*
** spatial.c — the window attributes of Conv, ConvTranspose and the pools, and the output
** geometry they give (conv.h). Output size per spatial axis, with the kernel's extent
** e = dilation * (kernel - 1) + 1:
**   NOTSET      floor((in + pad_begin + pad_end - e) / stride) + 1, or with ceil_mode the
**               ceiling, less one when the last window would start past the input and its
**               leading pad (as PyTorch and onnxruntime do);
**   VALID       no padding, as NOTSET;
**   SAME_UPPER  ceil(in / stride), the padding (out - 1) * stride + e - in split in two with
**   SAME_LOWER  the odd one at the end (UPPER) or at the beginning (LOWER).
*/
#include "ops/conv.h"
#include "ops/op_util.h"

#include <string.h>

/* Values of an ints attribute, each in [lo, hi]. */
static int ints_in(const lstm__graph *g, const lstm__node *n, const char *name, int64_t *out,
                   int cap, int *count, int64_t lo, int64_t hi, lstm__diag *d)
{
    char b[LSTM__LABEL_MAX];
    if (lstm__attr_ints(g, n, name, out, cap, count, d)) return d->code;
    for (int i = 0; i < *count; i++)
        if (out[i] < lo || out[i] > hi)
            return lstm__errf(d, LSTM_EMODEL,
                              "%s: attribute '%s' has value %lld, expected %lld to %lld",
                              lstm__node_ctx(g, n, b, sizeof b), name, (long long)out[i],
                              (long long)lo, (long long)hi);
    return LSTM_OK;
}

int lstm__win_parse(const lstm__graph *g, const lstm__node *n, unsigned what, lstm__win_params *p,
                    lstm__diag *d)
{
    char b[LSTM__LABEL_MAX];
    memset(p, 0, sizeof *p);
    p->nk = p->ns = p->nd = p->np = -1;
    const lstm__attr *ap = lstm__attr_find(n, "auto_pad");
    if (ap) {
        if (ap->type != LSTM__A_STRING)
            return lstm__errf(d, LSTM_EMODEL, "%s: attribute 'auto_pad' must be a string",
                              lstm__node_ctx(g, n, b, sizeof b));
        static const char *const modes[] = {"NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"};
        p->auto_pad = -1;
        for (int i = 0; i < 4; i++)
            if (strcmp(ap->s, modes[i]) == 0) p->auto_pad = i;
        if (!ap->s[0]) p->auto_pad = LSTM__AUTOPAD_NOTSET; /* older exporters write "" */
        if (p->auto_pad < 0)
            return lstm__errf(d, LSTM_EMODEL,
                              "%s: auto_pad '%.40s' is not NOTSET, SAME_UPPER, SAME_LOWER or VALID",
                              lstm__node_ctx(g, n, b, sizeof b), ap->s);
    }
    if (ints_in(g, n, "kernel_shape", p->kernel, LSTM__SP_MAX, &p->nk, 1, LSTM__WIN_MAX, d) ||
        ints_in(g, n, "strides", p->strides, LSTM__SP_MAX, &p->ns, 1, LSTM__WIN_MAX, d) ||
        ints_in(g, n, "pads", p->pads, 2 * LSTM__SP_MAX, &p->np, 0, LSTM__WIN_MAX, d))
        return d->code;
    if ((what & LSTM__WIN_DILATIONS) &&
        ints_in(g, n, "dilations", p->dilations, LSTM__SP_MAX, &p->nd, 1, LSTM__WIN_MAX, d))
        return d->code;
    if ((what & LSTM__WIN_CEIL) && lstm__attr_flag(g, n, "ceil_mode", 0, &p->ceil_mode, d))
        return d->code;
    if ((what & LSTM__WIN_KERNEL_REQUIRED) && p->nk < 0)
        return lstm__errf(d, LSTM_EMODEL, "%s: attribute 'kernel_shape' is required",
                          lstm__node_ctx(g, n, b, sizeof b));
    if (p->nk == 0)
        return lstm__errf(d, LSTM_EMODEL, "%s: attribute 'kernel_shape' is empty",
                          lstm__node_ctx(g, n, b, sizeof b));
    if (p->np >= 0 && p->np % 2)
        return lstm__errf(d, LSTM_EMODEL,
                          "%s: attribute 'pads' has %d values, expected an even count",
                          lstm__node_ctx(g, n, b, sizeof b), p->np);
    if (p->np >= 0 && p->auto_pad != LSTM__AUTOPAD_NOTSET)
        return lstm__errf(d, LSTM_EMODEL, "%s: attribute 'pads' cannot be given with auto_pad=%s",
                          lstm__node_ctx(g, n, b, sizeof b), ap->s);
    /* Counts that disagree with each other are refused now; with the input's rank, later. */
    int c = p->nk >= 0 ? p->nk : p->ns >= 0 ? p->ns : p->nd >= 0 ? p->nd : p->np / 2;
    if ((p->ns >= 0 && p->ns != c) || (p->nd >= 0 && p->nd != c) || (p->np >= 0 && p->np != 2 * c))
        return lstm__errf(d, LSTM_EMODEL,
                          "%s: kernel_shape, strides, dilations and pads disagree on the number "
                          "of spatial axes",
                          lstm__node_ctx(g, n, b, sizeof b));
    return LSTM_OK;
}

static int count_ok(lstm__kctx *k, int have, int want, const char *name)
{
    if (have < 0 || have == want) return LSTM_OK;
    return lstm__errf(k->d, LSTM_EINVAL, "%s: attribute '%s' has %d values for %d spatial axes",
                      lstm__klabel(k), name, have, want / (strcmp(name, "pads") ? 1 : 2));
}

int lstm__win_counts(lstm__kctx *k, const lstm__win_params *p, int sp)
{
    if (sp < 1 || sp > LSTM__SP_MAX)
        return lstm__errf(k->d, LSTM_EINVAL, "%s: %d spatial axes, expected 1 to %d",
                          lstm__klabel(k), sp, LSTM__SP_MAX);
    if (count_ok(k, p->nk, sp, "kernel_shape") || count_ok(k, p->ns, sp, "strides") ||
        count_ok(k, p->nd, sp, "dilations") || count_ok(k, p->np, 2 * sp, "pads"))
        return k->d->code;
    return LSTM_OK;
}

int lstm__win_forward(lstm__kctx *k, const lstm__win_params *p, int sp, const int64_t *in,
                      const int64_t *kernel, lstm__win *w)
{
    memset(w, 0, sizeof *w);
    if (lstm__win_counts(k, p, sp)) return k->d->code;
    w->sp = sp;
    w->pix_in = w->pix_out = w->kk = 1;
    for (int i = 0; i < sp; i++) {
        int64_t kn = kernel[i], s = p->ns >= 0 ? p->strides[i] : 1,
                dl = p->nd >= 0 ? p->dilations[i] : 1, x = in[i];
        if (kn < 1 || kn > LSTM__WIN_MAX || x > ((int64_t)1 << 40))
            return lstm__errf(k->d, LSTM_EINVAL, "%s: kernel size %lld on spatial axis %d",
                              lstm__klabel(k), (long long)kn, i);
        int64_t e = dl * (kn - 1) + 1, pb = 0, pe = 0, out;
        if (p->auto_pad == LSTM__AUTOPAD_SAME_UPPER || p->auto_pad == LSTM__AUTOPAD_SAME_LOWER) {
            out = (x + s - 1) / s;
            int64_t total = (out - 1) * s + e - x;
            if (total < 0) total = 0;
            pb = p->auto_pad == LSTM__AUTOPAD_SAME_UPPER ? total / 2 : total - total / 2;
            pe = total - pb;
        } else {
            if (p->auto_pad == LSTM__AUTOPAD_NOTSET && p->np >= 0) {
                pb = p->pads[i];
                pe = p->pads[sp + i];
            }
            int64_t span = x + pb + pe - e;
            if (span < 0)
                return lstm__errf(k->d, LSTM_EINVAL,
                                  "%s: spatial axis %d has %lld elements with padding %lld + %lld, "
                                  "fewer than the kernel's extent %lld",
                                  lstm__klabel(k), i, (long long)x, (long long)pb, (long long)pe,
                                  (long long)e);
            out = (p->ceil_mode ? (span + s - 1) / s : span / s) + 1;
            if (p->ceil_mode && (out - 1) * s >= x + pb) out--;
        }
        w->in[i] = x;
        w->out[i] = out;
        w->k[i] = kn;
        w->s[i] = s;
        w->d[i] = dl;
        w->pb[i] = pb;
        w->pe[i] = pe;
        w->pix_in *= x;
        w->pix_out *= out;
        w->kk *= kn;
        if (w->pix_in > ((int64_t)1 << 40) || w->pix_out > ((int64_t)1 << 40) ||
            w->kk > ((int64_t)1 << 31))
            return lstm__errf(k->d, LSTM_ELIMIT, "%s: window sizes exceed what this runtime takes",
                              lstm__klabel(k));
    }
    return LSTM_OK;
}
