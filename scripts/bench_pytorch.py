#!/usr/bin/python3
"""PyTorch eager twin of `trustlab-bench train`: the same three models, written the same way
(LSTM cell and attention from Linear layers), timed the same way (Adam step, warm-up excluded,
median). Also times torch.nn.LSTM (fused) for the BiLSTM as a reference point. With --hf-config,
a pretrained model's shapes built from torch.nn parts (make_reference_checkpoints.py: BERT from
nn.TransformerEncoderLayer, GPT-2 a causal pre-LN stack) with the same classification head, no
dropout, random weights. Prints JSON."""
import argparse, json, math, os, statistics, sys, time, warnings
import torch
import torch.nn as nn
import torch.nn.functional as F


def token_mask(lengths, T):
    return torch.arange(T, device=lengths.device)[None, :] < lengths[:, None]


def masked_mean(x, mask):
    m = mask.unsqueeze(-1).to(x.dtype)
    return (x * m).sum(1) / m.sum(1).clamp_min(1.0)


class Bag(nn.Module):
    def __init__(s, V, C, D):
        super().__init__(); s.emb = nn.Embedding(V, D); s.drop = nn.Dropout(0.1); s.out = nn.Linear(D, C)

    def forward(s, ids, lengths):
        return s.out(s.drop(masked_mean(s.emb(ids), token_mask(lengths, ids.shape[1]))))


class LstmLayer(nn.Module):
    def __init__(s, D, H, reverse):
        super().__init__(); s.H = H; s.reverse = reverse
        s.inp = nn.Linear(D, 4 * H); s.hid = nn.Linear(H, 4 * H, bias=False)

    def forward(s, x, mask):
        B, T, D = x.shape; H = s.H
        if s.reverse:
            lengths = mask.sum(1, keepdim=True)
            t = torch.arange(T, device=x.device)[None].expand(B, T)
            order = torch.where(t < lengths, lengths - 1 - t, t)
            x = x.gather(1, order.unsqueeze(-1).expand(B, T, D))
        proj = s.inp(x).unbind(1)
        h = x.new_zeros(B, H); c = x.new_zeros(B, H); outs = []
        for t in range(T):
            ifo, g = (proj[t] + s.hid(h)).split([3 * H, H], 1)
            i, f, o = torch.sigmoid(ifo).chunk(3, 1); g = torch.tanh(g)
            c = f * c + i * g
            h = o * torch.tanh(c); outs.append(h)
        out = torch.stack(outs, 1)
        if s.reverse:
            out = out.gather(1, order.unsqueeze(-1).expand(B, T, H))
        return out * mask.unsqueeze(-1).to(out.dtype)


class BiLstm(nn.Module):
    def __init__(s, V, C, D, H=128, fused=False):
        super().__init__(); s.fused = fused
        s.emb = nn.Embedding(V, D); s.drop = nn.Dropout(0.1); s.out = nn.Linear(2 * H, C)
        if fused:
            s.lstm = nn.LSTM(D, H, batch_first=True, bidirectional=True)
        else:
            s.fwd = LstmLayer(D, H, False); s.bwd = LstmLayer(D, H, True)

    def forward(s, ids, lengths):
        mask = token_mask(lengths, ids.shape[1]); x = s.drop(s.emb(ids))
        x = s.lstm(x)[0] if s.fused else torch.cat([s.fwd(x, mask), s.bwd(x, mask)], -1)
        pooled = x.masked_fill(~mask.unsqueeze(-1), float("-inf")).amax(1)
        return s.out(s.drop(pooled))


class Attention(nn.Module):
    def __init__(s, D, H):
        super().__init__(); s.H = H; s.qkv = nn.Linear(D, 3 * D); s.o = nn.Linear(D, D); s.drop = nn.Dropout(0.1)

    def forward(s, x, mask):
        B, T, D = x.shape; d = D // s.H
        q, k, v = s.qkv(x).view(B, T, 3, s.H, d).permute(2, 0, 3, 1, 4).unbind(0)
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(d)
        scores = scores.masked_fill(~mask.view(B, 1, 1, T), float("-inf"))
        return s.o((s.drop(torch.softmax(scores, -1)) @ v).transpose(1, 2).reshape(B, T, D))


class LinearMha(Attention):
    """nn.MultiheadAttention's weights in Linear layers, with its call signature: how an Opacus user
    runs a batch-first nn.TransformerEncoderLayer (Opacus's DPMultiheadAttention is sequence-first)."""
    batch_first = True

    def __init__(s, mha):
        super().__init__(mha.embed_dim, mha.num_heads)
        s.drop.p = mha.dropout
        with torch.no_grad():
            s.qkv.weight.copy_(mha.in_proj_weight); s.qkv.bias.copy_(mha.in_proj_bias)
            s.o.weight.copy_(mha.out_proj.weight); s.o.bias.copy_(mha.out_proj.bias)

    def forward(s, q, k, v, attn_mask=None, key_padding_mask=None, need_weights=False):
        return super().forward(q, ~key_padding_mask), None


class EncoderLayer(nn.Module):
    def __init__(s, D, H, F_):
        super().__init__()
        s.n1 = nn.LayerNorm(D); s.att = Attention(D, H); s.n2 = nn.LayerNorm(D)
        s.f1 = nn.Linear(D, F_); s.f2 = nn.Linear(F_, D); s.drop = nn.Dropout(0.1)

    def forward(s, x, mask):
        y = x + s.drop(s.att(s.n1(x), mask))
        return y + s.drop(s.f2(F.gelu(s.f1(s.n2(y)))))


class Transformer(nn.Module):
    def __init__(s, V, C, D, T, H=4, L=2, F_=512):
        super().__init__()
        s.batch_positions = False  # Opacus's per-example embedding gradient needs a batch dimension
        s.tok = nn.Embedding(V, D); s.pos = nn.Embedding(T, D)
        s.layers = nn.ModuleList([EncoderLayer(D, H, F_) for _ in range(L)])
        s.norm = nn.LayerNorm(D); s.drop = nn.Dropout(0.1); s.out = nn.Linear(D, C)

    def forward(s, ids, lengths):
        T = ids.shape[1]; mask = token_mask(lengths, T)
        positions = torch.arange(T, device=ids.device)[None]
        if s.batch_positions:
            positions = positions.expand(ids.shape[0], T)
        x = s.drop(s.tok(ids) + s.pos(positions))
        for l in s.layers:
            x = l(x, mask)
        return s.out(s.drop(masked_mean(s.norm(x), mask)))


class HfTwin(nn.Module):
    """The classifier trustlab-bench builds from an hf config: BERT's pooler + classifier on [CLS],
    GPT-2's score on the last token."""

    def __init__(s, config, C):
        super().__init__()
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from make_reference_checkpoints import build
        s.gpt2 = config["model_type"] == "gpt2"
        if s.gpt2 and config.get("n_inner") is None:
            config = dict(config, n_inner=4 * config["n_embd"])
        s.body = build(config)
        D = config.get("hidden_size") or config.get("n_embd")
        s.pool = None if s.gpt2 else nn.Linear(D, D)
        s.out = nn.Linear(D, C, bias=not s.gpt2)

    def forward(s, ids, lengths):
        mask = token_mask(lengths, ids.shape[1])
        if s.gpt2:
            b = s.body
            x = b.embed(ids)
            for blk in b.blocks:
                x = blk(x, mask)
            x = b.ln_f(x)
            return s.out(x[torch.arange(len(lengths)), lengths - 1])
        h = s.body(ids, mask)
        return s.out(torch.tanh(s.pool(h[:, 0])))


class Skip(Exception):
    """Why the Opacus comparison cannot run here."""


def anchors_path():
    """Where Opacus 1.4's sources are, or None."""
    here = os.path.dirname(os.path.abspath(__file__))
    p = os.environ.get("TRUSTLAB_ANCHORS") or os.path.join(here, "..", "..", "shared", "anchors", "python")
    return p if os.path.isdir(os.path.join(p, "opacus")) else None


def make_private(model, a):
    """Opacus's private training as its tutorials set it up: GradSampleModule (hooks) and DPOptimizer
    over Adam, clipping norm 1, σ = 1, the fixed batch as the expected batch. Returns (model, optimizer)
    or raises Skip (or ImportError, for Opacus's own dependencies) with the reason."""
    path = anchors_path()
    if path is None:
        raise Skip("Opacus 1.4 not found (../shared/anchors/python or $TRUSTLAB_ANCHORS)")
    sys.path.insert(0, path)
    warnings.filterwarnings("ignore", message="Using a non-full backward hook")  # Opacus 1.4's hooks on PyTorch 1.13
    from opacus import GradSampleModule
    from opacus.optimizers import DPOptimizer
    need = a.batch * sum(p.numel() * p.element_size() for p in model.parameters() if p.requires_grad)
    free = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    if next(model.parameters()).device.type == "cpu" and need > 0.8 * free:
        raise Skip(f"Opacus would hold {need / 2**30:.1f} GiB of per-example gradients; "
                          f"{free / 2**30:.1f} GiB of memory is free")
    for m in model.modules():
        if hasattr(m, "batch_positions"):
            m.batch_positions = True
        if isinstance(m, nn.TransformerEncoderLayer):
            m.self_attn = LinearMha(m.self_attn)
    model = GradSampleModule(model)
    opt = DPOptimizer(torch.optim.Adam(model.parameters(), lr=1e-3), noise_multiplier=1.0, max_grad_norm=1.0,
                      expected_batch_size=a.batch)
    return model, opt


def time_model(model, a, dev, private=False):
    model.to(dev).train()
    if private:
        model, opt = make_private(model, a)
    else:
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    ids = torch.randint(2, a.vocab, (a.batch, a.seq_len), device=dev)
    lengths = torch.full((a.batch,), a.seq_len, device=dev)
    labels = torch.randint(0, a.classes, (a.batch,), device=dev)

    def step():
        opt.zero_grad()
        F.cross_entropy(model(ids, lengths), labels).backward()
        opt.step()
        if dev.type == "cuda":
            torch.cuda.synchronize()

    for _ in range(a.warmup):
        step()
    times = []
    for _ in range(a.steps):
        t0 = time.perf_counter(); step(); times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main():
    p = argparse.ArgumentParser()
    for k, d in [("batch", 256), ("seq-len", 32), ("vocab", 10000), ("dim", 128), ("classes", 60),
                 ("warmup", 5), ("steps", 30), ("threads", 0)]:
        p.add_argument("--" + k, type=int, default=d)
    p.add_argument("--model", default="bilstm"); p.add_argument("--device", default="cpu")
    p.add_argument("--hf-config", default="")
    p.add_argument("--opacus", action="store_true", help="time Opacus's private step instead")
    a = p.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    dev = torch.device(a.device)
    V, C, D = a.vocab, a.classes, a.dim
    if a.hf_config:
        with open(a.hf_config) as f:
            model = HfTwin(json.load(f), C)
    else:
        model = {"bag": lambda: Bag(V, C, D), "bilstm": lambda: BiLstm(V, C, D),
                 "transformer": lambda: Transformer(V, C, D, a.seq_len)}[a.model]()
    out = {"torch": torch.__version__, "threads": torch.get_num_threads()}
    if a.opacus:
        try:
            out["seconds_per_step"] = time_model(model, a, dev, private=True)
            import opacus
            out["opacus"] = opacus.__version__
        except (Skip, ImportError) as e:
            out["skipped"] = str(e)
        print(json.dumps(out))
        return
    out["seconds_per_step"] = time_model(model, a, dev)
    if a.model == "bilstm" and not a.hf_config:
        out["fused_nn_lstm_seconds_per_step"] = time_model(BiLstm(V, C, D, fused=True), a, dev)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
