/*
** run_expect.c — `lstm-run MODEL --expect FILE.npz --expect NAME=FILE`: compare the outputs of
** a run with reference tensors (a PyTorch or Keras model's outputs saved with NumPy), as --test
** does (compare.c). An archive's members named like outputs are compared, those named like inputs
** skipped (one archive may hold both), others warned about; NAME=FILE names one output and
** replaces the archive's member. The files are read before the model runs. Public API only.
*/
#include "run.h"
#include "tensor_io.h"

#include <stdlib.h>
#include <string.h>

static int model_has(lstm_model *m, int input, const char *name, lstm_value_info *vi)
{
    return find_decl(m, input, name, vi) == 0;
}

/* Read reference `name` from path (member `name` of an .npz) into a new entry of e. */
static int add(expect_list *e, lstm_model *m, const char *name, const char *path)
{
    lstm_value_info vi;
    if (!model_has(m, 0, name, &vi)) {
        fprintf(stderr, "lstm-run: --expect %s=%s: the model has no output named '%s'\n", name,
                path, name);
        return 1;
    }
    if (vi.kind == LSTM_VALUE_SEQUENCE) {
        fprintf(stderr,
                "lstm-run: --expect: output '%s' is a sequence of tensors; --expect compares "
                "tensor outputs\n",
                name);
        return 1;
    }
    expect_item *it = &e->items[e->n];
    char err[600];
    size_t l = strlen(path);
    int npz = l > 4 && strcmp(path + l - 4, ".npz") == 0;
    memset(it, 0, sizeof *it);
    if (tio_read(path, npz ? name : NULL, &it->want, err, sizeof err)) {
        fprintf(stderr, "lstm-run: --expect: output '%s': %s\n", name, err);
        return 1;
    }
    it->name = vi.name; /* the model's copy: lives as long as m */
    e->n++;
    return 0;
}

static int listed(const expect_list *e, const char *name)
{
    for (int i = 0; i < e->n; i++)
        if (strcmp(e->items[i].name, name) == 0) return 1;
    return 0;
}

/* The archive's members: outputs not named by NAME=FILE are added; inputs skipped. */
static int add_bundle(expect_list *e, lstm_model *m, const char *path)
{
    char **keys = NULL, err[600];
    int n = 0, rc = 0, outputs = 0;
    if (tio_npz_keys(path, &keys, &n, err, sizeof err)) { /* (nothing to free) */
        fprintf(stderr, "lstm-run: --expect: %s\n", err);
        return 1;
    }
    for (int k = 0; k < n && !rc; k++) {
        lstm_value_info vi;
        if (model_has(m, 0, keys[k], &vi)) {
            outputs++;
            if (!listed(e, vi.name)) rc = add(e, m, keys[k], path);
        } else if (!model_has(m, 1, keys[k], &vi)) {
            fprintf(stderr,
                    "lstm-run: warning: --expect %s: member '%s' is neither an output nor an "
                    "input of the model; ignored\n",
                    path, keys[k]);
        }
    }
    if (!rc && !outputs) {
        fprintf(stderr, "lstm-run: --expect %s: no member is named like an output of the model\n",
                path);
        rc = 1;
    }
    for (int k = 0; k < n; k++) free(keys[k]);
    free(keys);
    return rc;
}

int expect_load(lstm_model *m, const run_cfg *c, expect_list *e)
{
    memset(e, 0, sizeof *e);
    int outs = lstm_model_output_count(m);
    if (!c->n_expect && !c->expect_bundle) return 0;
    e->items = calloc((size_t)outs + 1, sizeof *e->items);
    if (!e->items) return 1;
    for (int i = 0; i < c->n_expect; i++)
        if (add(e, m, c->expect_names[i], c->expect_files[i])) return 1;
    return c->expect_bundle ? add_bundle(e, m, c->expect_bundle) : 0;
}

int expect_compare(const expect_list *e, lstm_model *m, const run_cfg *c, expect_get get, void *ud)
{
    if (!e->items) return 0;
    run_opts o = {.rtol = c->rtol, .atol = c->atol};
    int bad = 0;
    printf("expected outputs (rtol %g, atol %g):\n", c->rtol, c->atol);
    for (int i = 0; i < e->n; i++) {
        const expect_item *it = &e->items[i];
        lstm_view v;
        if (get(ud, it->name, &it->want, &v)) {
            printf("  output '%s': no tensor to compare -> FAIL\n", it->name);
            bad++;
            continue;
        }
        bad += !compare_output(stdout, it->name, &v, &it->want, &o);
    }
    for (int j = 0; j < lstm_model_output_count(m); j++) {
        lstm_value_info vi;
        if (!lstm_model_output_info(m, j, &vi) && !listed(e, vi.name))
            printf("  output '%s': not given with --expect, not compared\n", vi.name);
    }
    printf("%d of %d outputs match\n", e->n - bad, e->n);
    return bad != 0;
}

void expect_free(expect_list *e)
{
    for (int i = 0; e->items && i < e->n; i++) lstm_tensor_clear(&e->items[i].want);
    free(e->items);
    memset(e, 0, sizeof *e);
}
