/*
** fuzz_run.c — libFuzzer harness: valid models with fuzzed inputs. The first byte picks a model;
** the next bytes give the dims; the rest fills the tensors (sequence_lens, token ids, If
** conditions and Loop trip counts included, so out-of-range values are exercised). Models:
**   - recurrent: LSTM with sequence_lens, the char-LSTM LM whose tokens index an embedding, a
**     GRU tagger, an RNN, a peephole LSTM, the classifier;
**   - control flow: Ifs on a data flag or a bool input with LSTMs (a reverse one too) or
**     sequences in their branches, Scans (an LSTM cell written out, forward and reverse; an
**     LSTM per step), Loops (a TorchScript time loop with sequences, an LSTM stepped by a Loop,
**     libonnx-testdata's Loops whose trip count and condition are inputs), sequence and
**     optional inputs (libonnx-testdata), Loops handing carried sequences over
**     (tests/data/loop_seq: inserts, erases, swaps and rotations, nesting, If and Optional);
**   - Resize and Upsample whose sizes / scales are inputs (fuzzed: huge, zero, NaN, wrong counts).
** Sequence inputs get 0-4 fuzzed items, optional ones a value or none. Models are loaded once
** (FUZZ_SOURCE_DIR, FUZZ_TESTDATA_DIR), each also with two threads (bit 1 of the second byte
** picks them): bidirectional nodes then run their directions in parallel, batches of 16 or
** more split their rows. Bit 0 turns streaming on. The abort callback stops a run after a
** budget of polls (a trip count of 2^62 is valid ONNX: it must only be stoppable).
** Built with FUZZ_OPS it is fuzz_ops, the same over other models (a list of its own, so that
** fuzz_run's first bytes keep naming the same models): Attention, GridSample, AffineGrid,
** Unique and Det, models whose weights (over 64 KiB, folded from small initializers by
** Tile) are freed at load once packed, in If, Loop and Scan bodies too (fuzz/models/), and
** cases of the random operators, of versions before opset 7 and of the ninth session's
** operators.
*/
#include "lstm.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifndef FUZZ_TESTDATA_DIR
#define FUZZ_TESTDATA_DIR "/usr/share/libonnx-testdata/data"
#endif

/* '@' stands for libonnx-testdata's node tests. */
#ifdef FUZZ_OPS
static const char *const paths[] = {
    "tests/data/diff/attention_v24_3d_gqa_float32/model.onnx",
    "tests/data/diff/attention_v24_4d_float32/model.onnx",
    "tests/data/diff/attention_v24_4d_float16/model.onnx",
    "tests/data/diff/attention_v24_3d_mha_past/model.onnx",
    "tests/data/diff/attention_v24_mask_b_2x3x4x5/model.onnx",
    "tests/data/diff/attention_v24_mask_f_causal_past/model.onnx",
    "tests/data/diff/attention_v24_causal_past_gqa_3d/model.onnx",
    "tests/data/diff/attention_v24_nonpad_mask/model.onnx",
    "tests/data/diff/attention_v24_softcap_mode3/model.onnx",
    "tests/data/diff/attention_v24_mode1/model.onnx",
    "tests/data/diff/attention_v23_sp_half/model.onnx",
    "tests/data/diff/gridsample_v16_cubic_border_ac0/model.onnx",
    "tests/data/diff/gridsample_v16_linear_reflection_ac1/model.onnx",
    "tests/data/diff/gridsample_v16_nearest_zeros_ac0/model.onnx",
    "tests/data/diff/gridsample_v20_1d_cubic/model.onnx",
    "tests/data/diff/gridsample_v20_3d_cubic_reflection/model.onnx",
    "tests/data/diff/gridsample_v20_3d_nearest_border/model.onnx",
    "tests/data/diff/gridsample_v22_4d_linear/model.onnx",
    "tests/data/diff/gridsample_v22_x_int8_cubic/model.onnx",
    "tests/data/diff/gridsample_v22_grid_float16/model.onnx",
    "tests/data/diff/affinegrid_v20_2d_float32_ac0/model.onnx",
    "tests/data/diff/affinegrid_v20_3d_ac1/model.onnx",
    "tests/data/diff/affinegrid_v20_2d_float16_ac1/model.onnx",
    "tests/data/diff/affinegrid_v20_size_input/model.onnx",
    "tests/data/diff/unique_v11_float32_unsorted/model.onnx",
    "tests/data/diff/unique_v11_axis1/model.onnx",
    "tests/data/diff/unique_v11_axis_neg/model.onnx",
    "tests/data/diff/unique_v11_nan_s1/model.onnx",
    "tests/data/diff/unique_v11_y_inverse/model.onnx",
    "tests/data/diff/unique_v11_bool/model.onnx",
    "tests/data/diff/det_v11_float32/model.onnx",
    "tests/data/diff/det_v22_float64/model.onnx",
    "tests/data/diff/det_v22_batch2/model.onnx",
    "tests/data/diff/det_v11_m8/model.onnx",
    "tests/data/diff/det_v22_float16/model.onnx",
    "fuzz/models/lstm_folded.onnx",
    "fuzz/models/gru_folded.onnx",
    "fuzz/models/matmul_folded.onnx",
    "fuzz/models/matmul_folded_batched.onnx",
    "fuzz/models/gemm_folded_tb.onnx",
    "fuzz/models/gemm_shared_unpacked.onnx",
    "fuzz/models/lstm_w_shared.onnx",
    "fuzz/models/lstm_chain.onnx",
    "fuzz/models/lstm_bidi_seq.onnx",
    "fuzz/models/dqlstm_folded.onnx",
    "fuzz/models/if_lstm_outer.onnx",
    "fuzz/models/if_lstm_vs_unpacked.onnx",
    "fuzz/models/loop_lstm_outer.onnx",
    "fuzz/models/loop_lstm_shared.onnx",
    "fuzz/models/loop_matmul_outer.onnx",
    "fuzz/models/scan_lstm_outer.onnx",
    "fuzz/models/lstm_folded_f16.onnx",
    /* ninth session: random values, versions before opset 7, the new operators */
    "tests/data/diff/multinomial_v22_float32/model.onnx",
    "tests/data/diff/randomnormallike_v22_in_bfloat16/model.onnx",
    "tests/data/diff/randomuniform_v22_float16/model.onnx",
    "tests/data/diff/bernoulli_v22_float32_to_bool/model.onnx",
    "tests/data/diff/gemm_v6_bcast1/model.onnx",
    "tests/data/diff/upsample_v1_absent_h1.25_w3.5/model.onnx",
    "tests/data/diff/tile_v1_float32/model.onnx",
    "tests/data/diff/split_v1_equal_axis1/model.onnx",
    "tests/data/diff/pad_v1_constant1/model.onnx",
    "tests/data/diff/add_v1_bcast3_float32/model.onnx",
    "tests/data/diff/nonmaxsuppression_v11_center/model.onnx",
    "tests/data/diff/roialign_v16_ctm_half_pixel_max/model.onnx",
    "tests/data/diff/tensorscatter_v24_axis2_r4/model.onnx",
    "tests/data/diff/negativeloglikelihoodloss_v22_all_ignored_mean/model.onnx",
    "tests/data/diff/softmaxcrossentropyloss_v13_bfloat16_mean/model.onnx",
    "tests/data/diff/maxroipool_v22_basic_float32/model.onnx",
    "tests/data/diff/bitcast_v26_float32_to_int32/model.onnx",
    "tests/data/diff/cumprod_v26_float32_e1_r1/model.onnx",
    "tests/data/diff/concat_v13_empty_rank1/model.onnx",
    "tests/data/diff/reshape_v23_empty_zero_past_rank/model.onnx",
};
#else
static const char *const paths[] = {
    "tests/data/ort/lstm_seq_bidi/model.onnx",
    "models/char_lstm/model.onnx",
    "models/bigru_tagger/model.onnx",
    "tests/data/ort/gru_layout1_bidi_seq/model.onnx",
    "tests/data/ort/rnn_seq_rev/model.onnx",
    "tests/data/ort/lstm_peephole_bidi_seq/model.onnx",
    "models/lstm_classifier/model.onnx",
    "tests/data/control/if_lstm_outer/model.onnx",
    "tests/data/control_stream/if_lstm_stream/model.onnx",
    "tests/data/control/scan_lstm_cell_fwd/model.onnx",
    "tests/data/control/scan_lstm_cell_rev/model.onnx",
    "tests/data/control_stream/scan_lstm_step/model.onnx",
    "tests/data/control/scripted_loop/model.onnx",
    "tests/data/trace/loop_lstm/model.onnx",
    "tests/data/control/loop_greedy_decoder/model.onnx",
    "@/test_loop11/model.onnx",
    "@/test_loop13_seq/model.onnx",
    "@/test_loop16_seq_none/model.onnx",
    "@/test_if/model.onnx",
    "@/test_if_seq/model.onnx",
    "@/test_if_opt/model.onnx",
    "@/test_sequence_map_add_2_sequences/model.onnx",
    "@/test_sequence_insert_at_back/model.onnx",
    "@/test_optional_get_element/model.onnx",
    "tests/data/loop_seq/append/model.onnx",
    "tests/data/loop_seq/insert_middle/model.onnx",
    "tests/data/loop_seq/old_carried/model.onnx",
    "tests/data/loop_seq/swap/model.onnx",
    "tests/data/loop_seq/nested/model.onnx",
    "tests/data/loop_seq/dup_init/model.onnx",
    "tests/data/loop_seq/if_outer/model.onnx",
    "tests/data/loop_seq/optional_wrap/model.onnx",
    "tests/data/loop_seq/rotate/model.onnx",
    "tests/data/diff/resize_v19_sizes_input/model.onnx",
    "tests/data/diff/resize_v19_scales_input/model.onnx",
    "tests/data/diff/upsample_v9_linear_scales_input/model.onnx",
};
#endif
#define NMODELS (int)(sizeof paths / sizeof paths[0])
static lstm_model *models[2][NMODELS];
static lstm_session *sessions[2][NMODELS];
static volatile unsigned char sink_byte; /* keeps the output reads */
static _Atomic long polls;               /* abort polls left in this run */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int budget(void *ud)
{
    (void)ud;
    return --polls < 0; /* helper threads may poll too */
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    for (int t = 0; t < 2; t++)
        for (int i = 0; i < NMODELS; i++) {
            char p[1024];
            if (paths[i][0] == '@')
                snprintf(p, sizeof p, "%s/node%s", FUZZ_TESTDATA_DIR, paths[i] + 1);
            else
                snprintf(p, sizeof p, "%s/%s", FUZZ_SOURCE_DIR, paths[i]);
            lstm_options opt = {.size = sizeof(lstm_options), .num_threads = t + 1};
            opt.abort = budget;
            opt.limits.max_run_bytes = 256u << 20;
            int rc = lstm_model_open(p, &opt, &models[t][i]);
            if (!rc) rc = lstm_session_open(models[t][i], &sessions[t][i]);
            /* A model with an operator not implemented yet is left out (said once). */
            if (rc == LSTM_EUNSUPPORTED) {
                if (t == 0)
                    fprintf(stderr, "fuzz_run: left out %s: %s\n", p,
                            lstm_session_errmsg(sessions[t][i]));
                lstm_session_close(sessions[t][i]);
                sessions[t][i] = NULL;
            } else if (rc) {
                fprintf(stderr, "fuzz_run: cannot load %s\n", p);
                return 1;
            }
        }
    return 0;
}

typedef struct src {
    const uint8_t *data;
    size_t size, pos;
} src;

static uint8_t byte(src *s, uint8_t dflt)
{
    return s->pos < s->size ? s->data[s->pos++] : dflt;
}

static unsigned char buf[8][1 << 14];
static unsigned char items[8][4][1 << 12];

/* Dims of a declared input: declared sizes mostly kept; symbolic ones (and sometimes fixed
** ones) fuzzed. Returns the bytes needed, or 0 when they do not fit in cap. */
static size_t shape(src *s, const lstm_value_info *vi, int rank, int64_t *dims, size_t cap)
{
    size_t bytes = lstm_dtype_size(vi->dtype ? vi->dtype : LSTM_DT_FLOAT);
    for (int d = 0; d < rank; d++) {
        uint8_t b = byte(s, 1);
        dims[d] = vi->rank > d && vi->dims[d] >= 0 && !(b & 0x80) ? vi->dims[d] : (int64_t)(b % 18);
        bytes *= (size_t)dims[d];
    }
    return bytes <= cap ? bytes : (size_t)-1;
}

static void fill(src *s, unsigned char *p, size_t n)
{
    for (size_t k = 0; k < n; k++) p[k] = byte(s, 0);
}

/* 0-4 items of fuzzed rank (0-3) and dims, the elements' dtype when declared. */
static int bind_sequence(lstm_session *ses, src *s, int i, const lstm_value_info *vi)
{
    lstm_view v[4];
    int count = byte(s, 1) % 5;
    lstm_value_info any = *vi;
    any.rank = -1;
    for (int k = 0; k < count; k++) {
        memset(&v[k], 0, sizeof v[k]);
        v[k].dtype = vi->dtype ? vi->dtype : LSTM_DT_FLOAT;
        v[k].rank = byte(s, 1) % 4;
        size_t n = shape(s, &any, v[k].rank, v[k].dims, sizeof items[i][k]);
        if (n == (size_t)-1) return -1;
        fill(s, items[i][k], n);
        v[k].data = items[i][k];
        v[k].nbytes = n;
    }
    return lstm_session_set_input_sequence(ses, vi->name, count, v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4) return 0;
    int which = data[0] % NMODELS;
    lstm_model *m = models[data[1] >> 1 & 1][which];
    lstm_session *s = sessions[data[1] >> 1 & 1][which];
    if (!m || !s) return 0;
#ifdef FUZZ_OPS
    lstm_session_set_streaming(s, data[1] & 1);
#else
    lstm_session_set_streaming(s, data[1] & 1 && which != 0 && which != 2 && which != 3);
#endif
    src in = {data, size, 2};
    int count = lstm_model_input_count(m);
    for (int i = 0; i < count && i < 8; i++) {
        lstm_value_info vi;
        int64_t dims[LSTM_MAX_RANK];
        if (lstm_model_input_info(m, i, &vi)) return 0;
        int kind = vi.kind;
        if (kind == LSTM_VALUE_OPTIONAL) {
            uint8_t b = byte(&in, 0);
            if (b % 3 == 0) {
                if (lstm_session_set_input_none(s, vi.name)) return 0;
                continue;
            }
            kind = b % 3 == 1 ? LSTM_VALUE_TENSOR : LSTM_VALUE_SEQUENCE;
        }
        if (kind == LSTM_VALUE_SEQUENCE) {
            if (bind_sequence(s, &in, i, &vi)) return 0;
            continue;
        }
        int rank = vi.rank >= 0 ? vi.rank : byte(&in, 1) % 4;
        size_t bytes = shape(&in, &vi, rank, dims, sizeof buf[i]);
        if (bytes == (size_t)-1) return 0;
        fill(&in, buf[i], bytes);
        if (lstm_session_set_input(s, vi.name, vi.dtype ? vi.dtype : LSTM_DT_FLOAT, rank, dims,
                                   buf[i], bytes))
            return 0;
    }
    polls = 5000; /* a Loop that grows a sequence copies it every iteration: O(n^2) */
    if (lstm_session_run(s) == LSTM_OK) {
        int n = lstm_model_output_count(m);
        for (int i = 0; i < n; i++) {
            lstm_value_info vi;
            lstm_view v;
            if (lstm_model_output_info(m, i, &vi)) continue;
            int k = lstm_session_output_kind(s, vi.name), items_n = 0;
            if (k == LSTM_VALUE_SEQUENCE && !lstm_session_output_sequence(s, vi.name, &items_n))
                for (int j = 0; j < items_n; j++)
                    if (!lstm_session_output_item(s, vi.name, j, &v))
                        for (size_t b = 0; b < v.nbytes; b++)
                            sink_byte ^= ((const unsigned char *)v.data)[b];
            if (k == LSTM_VALUE_TENSOR && !lstm_session_output(s, vi.name, &v))
                for (size_t b = 0; b < v.nbytes; b++)
                    sink_byte ^= ((const unsigned char *)v.data)[b];
        }
    }
    return 0;
}
