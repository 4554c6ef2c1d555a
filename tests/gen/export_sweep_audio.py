"""torchaudio's speech models (Debian's python3-torchaudio 0.13) for make_export_sweep.py, small
configurations with fixed seeds: DeepSpeech (bidirectional ReLU RNN), WaveRNN (two GRUs behind
an upsampling network), Tacotron2's encoder (convolutions and a bidirectional LSTM on packed
lengths) and decoder step, the Emformer RNN-T's predictor (LSTM layers with layer norm,
unrolled) and transcriber (Emformer attention), whole and one streaming step at a time, and, as
front ends, Conformer, ConvTasNet, Wav2Letter and wav2vec 2.0.
HDemucs is left out: the exporter has no STFT before opset 17 and refuses torch.stft at 17."""
import torch

try:
    import torchaudio.models as M
except ImportError:  # python3-torchaudio not installed: no cases
    M = None


class Call(torch.nn.Module):
    """mod's method (fn(mod, *inputs)) as a module's forward, for export."""

    def __init__(self, mod, fn):
        super().__init__()
        self.mod, self.fn = mod, fn

    def forward(self, *a):
        return self.fn(self.mod, *a)


class Streaming(torch.nn.Module):
    """One step of a streaming method fn(mod, x, lengths, states) -> (out, lengths, states), the
    states (a list of lists of tensors) flattened into inputs and outputs, n per layer."""

    def __init__(self, mod, fn, n):
        super().__init__()
        self.mod, self.fn, self.n = mod, fn, n

    def forward(self, x, lengths, *flat):
        states = [list(flat[i:i + self.n]) for i in range(0, len(flat), self.n)]
        out, out_lengths, states = self.fn(self.mod, x, lengths, states)
        return (out, out_lengths) + tuple(t for layer in states for t in layer)


def stream_sets(fn, mod, inputs, carry=True):
    """Data sets for Streaming: inputs[0] starts (states None), each later one gets the states
    PyTorch gave after the one before (carry), or all get those after inputs[0]."""
    sets = []
    with torch.no_grad():
        _, _, states = fn(mod, *inputs[0], None)
        first = [list(layer) for layer in states]  # the methods replace entries in place
        for x, lengths in inputs[1:]:
            flat = tuple(t for layer in (states if carry else first) for t in layer)
            sets.append((x, lengths) + flat)
            _, _, states = fn(mod, x, lengths, states)
    return sets, len(first[0]), len(flat)


def audio_cases():
    """Yield make_export_sweep.cases() tuples for torchaudio's models (none without it)."""
    if M is None:
        print("torchaudio not installed (apt-get install python3-torchaudio): its models skipped")
        return
    g = torch.Generator().manual_seed(3)

    def r(*s):
        return torch.randn(*s, generator=g)

    def ids(hi, *s):
        return torch.randint(0, hi, s, generator=g)

    torch.manual_seed(1)
    m = M.DeepSpeech(n_feature=16, n_hidden=24, n_class=8, dropout=0.0)
    yield ("ta_deepspeech", m, [(r(2, 1, 9, 16),), (r(1, 1, 3, 16),)], ["x"], ["logits"],
           {"x": {0: "batch", 2: "T"}}, (11, 13, 17), {})
    torch.manual_seed(2)
    m = M.WaveRNN(upsample_scales=[2, 2], n_classes=16, hop_length=4, n_res_block=2, n_rnn=16,
                  n_fc=16, kernel_size=5, n_freq=8, n_hidden=8, n_output=8)
    sets = [(r(2, 1, 5 * 4), r(2, 1, 8, 9)), (r(1, 1, 2 * 4), r(1, 1, 8, 6))]
    yield ("ta_wavernn", m, sets, ["waveform", "specgram"], ["logits"],
           {"waveform": {0: "batch", 2: "S"}, "specgram": {0: "batch", 3: "T"}}, (13, 17), {})
    torch.manual_seed(3)
    t = M.Tacotron2(n_mels=8, n_symbol=20, symbol_embedding_dim=16, encoder_embedding_dim=16,
                    encoder_n_convolution=2, encoder_kernel_size=5, decoder_rnn_dim=16,
                    attention_rnn_dim=16, attention_hidden_dim=8, attention_location_n_filter=4,
                    attention_location_kernel_size=5, prenet_dim=8, postnet_n_convolution=2,
                    postnet_kernel_size=5, postnet_embedding_dim=8)
    enc = Call(t, lambda mod, tok, lens: mod.encoder(mod.embedding(tok).transpose(1, 2), lens))
    sets = [(ids(20, 3, 7), torch.tensor([7, 5, 2])), (ids(20, 3, 4), torch.tensor([4, 4, 1]))]
    yield ("ta_tacotron2_encoder", enc, sets, ["tokens", "lengths"], ["enc"],
           {"tokens": {1: "T"}}, (11, 13, 17), {})
    # Tacotron2's autoregressive decoder, one frame: the attention LSTMCell, location-sensitive
    # attention (a convolution over the previous and cumulated weights, masked softmax), the
    # decoder LSTMCell and the projections; states from PyTorch after 0-3 frames of its own.
    dec = t.decoder.eval()
    names = ["attention_hidden", "attention_cell", "decoder_hidden", "decoder_cell",
             "attention_weights", "attention_weights_cum", "attention_context"]
    with torch.no_grad():
        lens = torch.tensor([7, 5, 2])
        memory = t.encoder(t.embedding(ids(20, 3, 7)).transpose(1, 2), lens)
        st = list(dec._initialize_decoder_states(memory))
        processed, st = st[7], st[:7]
        mask = torch.arange(7)[None, :] >= lens[:, None]  # True where padded, as torchaudio's
        sets = []
        for _ in range(4):
            x = r(3, 8)
            sets.append(tuple([x] + [v.clone() for v in st] + [memory, processed, mask]))
            st = list(dec.decode(x, *[v.clone() for v in st], memory, processed, mask)[2:])
    yield ("ta_tacotron2_decoder_step", Call(dec, lambda m, x, *a: m.decode(x, *[v.clone() for v in a[:7]], *a[7:])),
           sets, ["prenet_out"] + names + ["memory", "processed_memory", "mask"],
           ["mel_frame", "gate"] + ["new_" + n for n in names], {}, (11, 13, 17), {})
    torch.manual_seed(4)
    rn = M.emformer_rnnt_model(
        input_dim=8, encoding_dim=16, num_symbols=10, segment_length=4, right_context_length=2,
        time_reduction_input_dim=8, time_reduction_stride=2, transformer_num_heads=2,
        transformer_ffn_dim=16, transformer_num_layers=2, transformer_dropout=0.0,
        transformer_activation="relu", transformer_left_context_length=4,
        transformer_max_memory_size=0, transformer_weight_init_scale_strategy="depthwise",
        transformer_tanh_on_mem=False, symbol_embedding_dim=8, num_lstm_layers=2,
        lstm_layer_norm=True, lstm_layer_norm_epsilon=1e-3, lstm_dropout=0.0)
    pred = Call(rn, lambda mod, tg, tl: mod.predict(tg, tl, None)[:2])
    # Its per-step loop is unrolled: the export's batch and length are the model's.
    sets = [(ids(10, 2, 5), torch.tensor([5, 3])), (ids(10, 2, 5), torch.tensor([1, 5]))]
    yield ("ta_rnnt_predictor", pred, sets, ["targets", "lengths"], ["out", "out_lengths"], {},
           (11, 13, 17), {})
    torch.manual_seed(6)
    cf = M.Conformer(input_dim=8, num_heads=2, ffn_dim=16, num_layers=2,
                     depthwise_conv_kernel_size=3, dropout=0.0)
    yield ("ta_conformer", cf, [(r(2, 9, 8), torch.tensor([9, 6])), (r(3, 9, 8), torch.tensor([9, 2, 5]))],
           ["x", "lengths"], ["y", "y_lengths"], {"x": {0: "batch"}, "lengths": {0: "batch"}}, (13, 17), {})
    torch.manual_seed(7)
    ct = M.ConvTasNet(num_sources=2, enc_kernel_size=8, enc_num_feats=16, msk_kernel_size=3,
                      msk_num_feats=8, msk_num_hidden_feats=16, msk_num_layers=2, msk_num_stacks=2)
    yield ("ta_convtasnet", ct, [(r(2, 1, 64),), (r(1, 1, 100),)], ["audio"], ["sources"],
           {"audio": {0: "batch", 2: "S"}}, (13, 17), {})
    torch.manual_seed(8)
    wl = M.Wav2Letter(num_classes=10, input_type="mfcc", num_features=8)
    yield ("ta_wav2letter", wl, [(r(2, 8, 40),), (r(1, 8, 33),)], ["x"], ["y"],
           {"x": {0: "batch", 2: "T"}}, (13, 17), {})
    torch.manual_seed(9)
    wv = M.wav2vec2_model(
        extractor_mode="group_norm", extractor_conv_layer_config=[(8, 10, 5), (8, 3, 2)],
        extractor_conv_bias=False, encoder_embed_dim=16, encoder_projection_dropout=0.0,
        encoder_pos_conv_kernel=4, encoder_pos_conv_groups=2, encoder_num_layers=2,
        encoder_num_heads=2, encoder_attention_dropout=0.0, encoder_ff_interm_features=32,
        encoder_ff_interm_dropout=0.0, encoder_dropout=0.0, encoder_layer_norm_first=False,
        encoder_layer_drop=0.0, aux_num_out=6)
    yield ("ta_wav2vec2", Call(wv, lambda m, x: m(x)[0]), [(r(2, 400),), (r(1, 250),)], ["audio"],
           ["logits"], {"audio": {0: "batch", 1: "S"}}, (13, 17), {})
    # Streaming RNN-T: the transcriber's Emformer one segment at a time (4 frames after time
    # reduction plus 2 of right context) and the predictor one token at a time, states carried
    # in and out as PyTorch gives them. The transcriber's step concatenates and reshapes an empty
    # memory (max_memory_size 0, as torchaudio's pretrained RNN-T): onnxruntime refuses it. Its
    # export holds the frame count its states had (Emformer reads it with .item(), which the
    # tracer keeps as a constant), so its data sets all start from the states after one segment.
    seg = [(r(2, 6, 8), torch.tensor([6, 6])) for _ in range(4)]
    tfn = lambda mod, x, l, st: mod.transcribe_streaming(x, l, st)  # noqa: E731
    sets, n, k = stream_sets(tfn, rn, seg, carry=False)
    yield ("ta_rnnt_transcriber_step", Streaming(rn, tfn, n), sets,
           ["x", "lengths"] + ["state%d" % i for i in range(k)],
           ["enc", "enc_lengths"] + ["new_state%d" % i for i in range(k)], {}, (13, 17), {})
    tok = [(ids(10, 2, 1), torch.tensor([1, 1])) for _ in range(4)]
    pfn = lambda mod, y, l, st: mod.predict(y, l, st)  # noqa: E731
    sets, n, k = stream_sets(pfn, rn, tok)
    yield ("ta_rnnt_predictor_step", Streaming(rn, pfn, n), sets,
           ["token", "lengths"] + ["state%d" % i for i in range(k)],
           ["out", "out_lengths"] + ["new_state%d" % i for i in range(k)], {}, (13, 17), {})
    # Last: onnxruntime-node 1.30 aborts on it (std::terminate), which ends its run of the
    # sweep's remaining models. The transcriber's traced graph keeps the export's length (14 frames) in its shape arithmetic;
    # other batch sizes run. With transformer_max_memory_size=0 it concatenates an empty
    # one-dimensional memory to 3-D tensors (torch.cat skips it; so does lstm-run).
    tr = Call(rn, lambda mod, x, l: mod.transcribe(x, l))
    sets = [(r(2, 14, 8), torch.tensor([14, 10])), (r(1, 14, 8), torch.tensor([14])),
            (r(3, 14, 8), torch.tensor([14, 14, 6]))]
    yield ("ta_rnnt_transcriber", tr, sets, ["x", "lengths"], ["enc", "enc_lengths"],
           {"x": {0: "batch"}, "lengths": {0: "batch"}}, (11, 13, 17), {})
