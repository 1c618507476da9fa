#!/usr/bin/python3
"""Independent reference models for TrustLab's pretrained-Transformer code (issue 16, item 4).

Builds a BERT-shaped encoder and a GPT-2-shaped decoder from plain torch.nn parts (PyTorch's own
nn.TransformerEncoderLayer for BERT's post-LN layers; a causal pre-LN stack for GPT-2) with seeded
random weights, writes each as a Hugging Face model folder (config.json, model.safetensors under
Hugging Face's tensor names, the real tokenizer files from ../shared/data/tokenizers) and writes
reference outputs (reference.json: input ids, attention masks, last hidden states, and for GPT-2
the last position's logits). Nothing here is pretrained: the weights are random.

Compare at real tokens only: with a padding mask in eval mode, PyTorch's encoder-layer fast path
returns zeros at padded positions, where Hugging Face's BERT computes (ignored) values.

Needs Debian's python3-torch (run with /usr/bin/python3). No safetensors package: the file is
written by hand from the format's definition, an independent writer for TrustLab's reader.

    /usr/bin/python3 scripts/make_reference_checkpoints.py OUT_DIR [--shared ../shared/data]
"""
import argparse
import json
import math
import os
import shutil
import struct

import torch
from torch import nn


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = t.detach().contiguous().to(torch.float32).numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        b, end = e["data_offsets"]
        assert e["dtype"] == "F32", name
        out[name] = torch.frombuffer(bytearray(data[b:end]), dtype=torch.float32).reshape(e["shape"])
    return out


class Bert(nn.Module):
    """BERT: word + position + token-type embeddings, LayerNorm, post-LN encoder layers (GELU).
    RoBERTa: the same, positions numbered from pad + 1. DistilBERT: no token types, its own names."""

    batch_positions = False  # positions given per example (Opacus's embedding gradient needs a batch dimension)

    def __init__(self, family, vocab, hidden, layers, heads, inter, positions, types, eps, pad=0):
        super().__init__()
        self.family, self.pad = family, pad
        self.word = nn.Embedding(vocab, hidden)
        self.pos = nn.Embedding(positions, hidden)
        self.token_type = nn.Embedding(types, hidden) if family != "distilbert" else None
        self.ln = nn.LayerNorm(hidden, eps=eps)
        self.layers = nn.ModuleList(
            nn.TransformerEncoderLayer(hidden, heads, inter, dropout=0.0, activation="gelu", layer_norm_eps=eps,
                                       batch_first=True, norm_first=False) for _ in range(layers))

    def forward(self, ids, mask):
        if self.family == "roberta":
            positions = torch.cumsum(mask.long(), 1) * mask.long() + self.pad
        else:
            positions = torch.arange(ids.shape[1], device=ids.device)[None]
            if self.batch_positions:
                positions = positions.expand_as(ids)
        x = self.word(ids) + self.pos(positions)
        if self.token_type is not None:
            x = x + self.token_type(torch.zeros_like(ids))
        x = self.ln(x)
        for layer in self.layers:
            x = layer(x, src_key_padding_mask=~mask)
        return x

    def hf_tensors(self):
        """Views of the parameters under Hugging Face's names (writing into them loads a checkpoint)."""
        out = {
            "embeddings.word_embeddings.weight": self.word.weight,
            "embeddings.position_embeddings.weight": self.pos.weight,
            "embeddings.LayerNorm.weight": self.ln.weight,
            "embeddings.LayerNorm.bias": self.ln.bias,
        }
        if self.token_type is not None:
            out["embeddings.token_type_embeddings.weight"] = self.token_type.weight
        distil = self.family == "distilbert"
        names = (("attention.q_lin", "attention.k_lin", "attention.v_lin", "attention.out_lin", "sa_layer_norm",
                  "ffn.lin1", "ffn.lin2", "output_layer_norm") if distil else
                 ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
                  "attention.output.LayerNorm", "intermediate.dense", "output.dense", "output.LayerNorm"))
        for i, l in enumerate(self.layers):
            p = ("transformer.layer." if distil else "encoder.layer.") + str(i) + "."
            q, k, v = l.self_attn.in_proj_weight.chunk(3)
            qb, kb, vb = l.self_attn.in_proj_bias.chunk(3)
            parts = ((q, qb), (k, kb), (v, vb), (l.self_attn.out_proj.weight, l.self_attn.out_proj.bias),
                     (l.norm1.weight, l.norm1.bias), (l.linear1.weight, l.linear1.bias),
                     (l.linear2.weight, l.linear2.bias), (l.norm2.weight, l.norm2.bias))
            for name, (w, b) in zip(names, parts):
                out[p + name + ".weight"] = w
                out[p + name + ".bias"] = b
        return out


class Gpt2Block(nn.Module):
    """Pre-LN: x + attn(ln_1(x)), then x + mlp(ln_2(x)); causal; tanh GELU."""

    def __init__(self, hidden, heads, inter, eps):
        super().__init__()
        self.heads = heads
        self.ln_1 = nn.LayerNorm(hidden, eps=eps)
        self.qkv = nn.Linear(hidden, 3 * hidden)
        self.proj = nn.Linear(hidden, hidden)
        self.ln_2 = nn.LayerNorm(hidden, eps=eps)
        self.fc = nn.Linear(hidden, inter)
        self.out = nn.Linear(inter, hidden)

    def forward(self, x, mask):
        b, t, d = x.shape
        h = self.heads
        q, k, v = self.qkv(self.ln_1(x)).split(d, dim=-1)
        q, k, v = (z.view(b, t, h, d // h).transpose(1, 2) for z in (q, k, v))
        scores = q @ k.transpose(-1, -2) / math.sqrt(d // h)
        allowed = torch.tril(torch.ones(t, t, dtype=torch.bool, device=x.device))[None, None] & mask[:, None, None, :]
        scores = scores.masked_fill(~allowed, torch.finfo(scores.dtype).min)
        a = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, t, d)
        x = x + self.proj(a)
        return x + self.out(nn.functional.gelu(self.fc(self.ln_2(x)), approximate="tanh"))


class Gpt2(nn.Module):
    batch_positions = False  # as Bert's

    def __init__(self, vocab, hidden, layers, heads, inter, positions, eps):
        super().__init__()
        self.wte = nn.Embedding(vocab, hidden)
        self.wpe = nn.Embedding(positions, hidden)
        self.blocks = nn.ModuleList(Gpt2Block(hidden, heads, inter, eps) for _ in range(layers))
        self.ln_f = nn.LayerNorm(hidden, eps=eps)

    def embed(self, ids):
        positions = torch.arange(ids.shape[1], device=ids.device)[None]
        return self.wte(ids) + self.wpe(positions.expand_as(ids) if self.batch_positions else positions)

    def forward(self, ids, mask):
        x = self.embed(ids)
        for blk in self.blocks:
            x = blk(x, mask)
        x = self.ln_f(x)
        return x, x @ self.wte.weight.T  # the LM head is tied to the token embedding

    def hf_tensors(self):
        out = {"wte.weight": self.wte.weight, "wpe.weight": self.wpe.weight,
               "ln_f.weight": self.ln_f.weight, "ln_f.bias": self.ln_f.bias}
        for i, blk in enumerate(self.blocks):
            p = f"h.{i}."
            # Hugging Face's GPT-2 uses Conv1D: weights stored [in, out], the transpose of nn.Linear's.
            out.update({
                p + "ln_1.weight": blk.ln_1.weight, p + "ln_1.bias": blk.ln_1.bias,
                p + "attn.c_attn.weight": blk.qkv.weight.T, p + "attn.c_attn.bias": blk.qkv.bias,
                p + "attn.c_proj.weight": blk.proj.weight.T, p + "attn.c_proj.bias": blk.proj.bias,
                p + "ln_2.weight": blk.ln_2.weight, p + "ln_2.bias": blk.ln_2.bias,
                p + "mlp.c_fc.weight": blk.fc.weight.T, p + "mlp.c_fc.bias": blk.fc.bias,
                p + "mlp.c_proj.weight": blk.out.weight.T, p + "mlp.c_proj.bias": blk.out.bias,
            })
        return out


def batch(rows, pad):
    """Padded ids [B, T] and the mask of real tokens."""
    t = max(len(r) for r in rows)
    ids = torch.tensor([r + [pad] * (t - len(r)) for r in rows])
    mask = torch.tensor([[True] * len(r) + [False] * (t - len(r)) for r in rows])
    return ids, mask


def save(folder, config, model, ids, mask, outputs, tokenizer_files):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f, indent=1)
    write_safetensors(os.path.join(folder, "model.safetensors"), model.hf_tensors())
    for src, dst in tokenizer_files:
        shutil.copyfile(src, os.path.join(folder, dst))
    reference = {"input_ids": ids.tolist(), "attention_mask": mask.int().tolist()}
    reference.update({k: v.tolist() for k, v in outputs.items()})
    with open(os.path.join(folder, "reference.json"), "w") as f:
        json.dump(reference, f)


def config_of(model_type, **sizes):
    return {"model_type": model_type, **sizes}


def build(config):
    """The reference model a config.json describes (the families this script writes)."""
    t = config["model_type"]
    if t == "gpt2":
        return Gpt2(config["vocab_size"], config["n_embd"], config["n_layer"], config["n_head"], config["n_inner"],
                    config["n_positions"], config["layer_norm_epsilon"])
    if t == "distilbert":
        return Bert(t, config["vocab_size"], config["dim"], config["n_layers"], config["n_heads"], config["hidden_dim"],
                    config["max_position_embeddings"], 0, 1e-12)
    return Bert(t, config["vocab_size"], config["hidden_size"], config["num_hidden_layers"],
                config["num_attention_heads"], config["intermediate_size"], config["max_position_embeddings"],
                config["type_vocab_size"], config["layer_norm_eps"], config.get("pad_token_id", 0))


def reload(folder):
    """Loads a folder TrustLab saved into the reference model of its config and compares the hidden
    states TrustLab wrote in expected.json (its own outputs on those inputs). Exit status 1 above 1e-5."""
    with open(os.path.join(folder, "config.json")) as f:
        config = json.load(f)
    model = build(config).eval()
    tensors = read_safetensors(os.path.join(folder, "model.safetensors"))
    for name, view in model.hf_tensors().items():
        view.copy_(tensors[name])
    with open(os.path.join(folder, "expected.json")) as f:
        expected = json.load(f)
    ids = torch.tensor(expected["input_ids"])
    mask = torch.tensor(expected["attention_mask"]).bool()
    hidden = model(ids, mask)
    if isinstance(hidden, tuple):
        hidden = hidden[0]
    error = (hidden - torch.tensor(expected["last_hidden_state"]))[mask].abs().max().item()
    print(json.dumps({"max_abs_error": error}))
    return 0 if error <= 1e-5 else 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out", help="where to write the folders (with --reload: the saved folder to check)")
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data"))
    ap.add_argument("--reload", action="store_true", help="check a folder TrustLab saved against its expected.json")
    args = ap.parse_args()
    torch.set_grad_enabled(False)
    if args.reload:
        return reload(args.out)
    tok = os.path.join(args.shared, "tokenizers")
    torch.manual_seed(0)
    bert_vocab = [(os.path.join(tok, "bert_base_uncased", "vocab.txt"), "vocab.txt")]
    gpt2_vocab = [(os.path.join(tok, "gpt2", "encoder.json"), "vocab.json"),
                  (os.path.join(tok, "gpt2", "vocab.bpe"), "merges.txt")]
    bert_rows = [[101, 7592, 2088, 999, 102], [101, 2129, 102]]

    for name, config in (
            ("bert-tiny-random", config_of("bert", hidden_size=128, num_hidden_layers=2, num_attention_heads=2,
                                           intermediate_size=512, hidden_act="gelu", layer_norm_eps=1e-12,
                                           max_position_embeddings=512, vocab_size=30522, type_vocab_size=2,
                                           pad_token_id=0)),
            ("distilbert-tiny-random", config_of("distilbert", dim=64, n_layers=2, n_heads=2, hidden_dim=128,
                                                 activation="gelu", max_position_embeddings=128, vocab_size=30522,
                                                 pad_token_id=0)),
            ("roberta-tiny-random", config_of("roberta", hidden_size=64, num_hidden_layers=2, num_attention_heads=2,
                                              intermediate_size=128, hidden_act="gelu", layer_norm_eps=1e-5,
                                              max_position_embeddings=130, vocab_size=30522, type_vocab_size=1,
                                              pad_token_id=1))):
        model = build(config).eval()
        pad = config["pad_token_id"]
        ids, mask = batch(bert_rows, pad)
        save(os.path.join(args.out, name), config, model, ids, mask, {"last_hidden_state": model(ids, mask)},
             bert_vocab)

    gpt2_config = config_of("gpt2", n_embd=64, n_layer=2, n_head=4, n_inner=256, activation_function="gelu_new",
                            layer_norm_epsilon=1e-5, n_positions=128, vocab_size=50257)
    gpt2 = build(gpt2_config).eval()
    ids, mask = batch([[15496, 2159, 0], [15496]], 50256)
    hidden, logits = gpt2(ids, mask)
    last = mask.sum(1) - 1
    save(os.path.join(args.out, "gpt2-shaped-random"), gpt2_config, gpt2, ids, mask,
         {"last_hidden_state": hidden, "last_logits": logits[torch.arange(len(last)), last]}, gpt2_vocab)

    # The files read back equal what was written (the writer follows the format, not a library).
    for name in ("bert-tiny-random", "gpt2-shaped-random"):
        folder = os.path.join(args.out, name)
        with open(os.path.join(folder, "config.json")) as f:
            model = build(json.load(f))
        back = read_safetensors(os.path.join(folder, "model.safetensors"))
        for k, v in model.hf_tensors().items():
            v.copy_(back[k])
        assert reference_matches(model, folder), name
    return 0


def reference_matches(model, folder):
    with open(os.path.join(folder, "reference.json")) as f:
        reference = json.load(f)
    ids, mask = torch.tensor(reference["input_ids"]), torch.tensor(reference["attention_mask"]).bool()
    hidden = model.eval()(ids, mask)
    hidden = hidden[0] if isinstance(hidden, tuple) else hidden
    return torch.equal(hidden[mask], torch.tensor(reference["last_hidden_state"])[mask])


if __name__ == "__main__":
    raise SystemExit(main())
