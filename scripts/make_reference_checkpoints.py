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
    """BERT: word + position + token-type embeddings, LayerNorm, post-LN encoder layers (GELU)."""

    def __init__(self, vocab, hidden, layers, heads, inter, positions, types, eps):
        super().__init__()
        self.word = nn.Embedding(vocab, hidden)
        self.pos = nn.Embedding(positions, hidden)
        self.token_type = nn.Embedding(types, hidden)
        self.ln = nn.LayerNorm(hidden, eps=eps)
        self.layers = nn.ModuleList(
            nn.TransformerEncoderLayer(hidden, heads, inter, dropout=0.0, activation="gelu", layer_norm_eps=eps,
                                       batch_first=True, norm_first=False) for _ in range(layers))

    def forward(self, ids, mask):
        t = ids.shape[1]
        x = self.ln(self.word(ids) + self.pos(torch.arange(t))[None] + self.token_type(torch.zeros_like(ids)))
        for layer in self.layers:
            x = layer(x, src_key_padding_mask=~mask)
        return x

    def hf_tensors(self):
        out = {
            "embeddings.word_embeddings.weight": self.word.weight,
            "embeddings.position_embeddings.weight": self.pos.weight,
            "embeddings.token_type_embeddings.weight": self.token_type.weight,
            "embeddings.LayerNorm.weight": self.ln.weight,
            "embeddings.LayerNorm.bias": self.ln.bias,
        }
        for i, l in enumerate(self.layers):
            p = f"encoder.layer.{i}."
            q, k, v = l.self_attn.in_proj_weight.chunk(3)
            qb, kb, vb = l.self_attn.in_proj_bias.chunk(3)
            out.update({
                p + "attention.self.query.weight": q, p + "attention.self.query.bias": qb,
                p + "attention.self.key.weight": k, p + "attention.self.key.bias": kb,
                p + "attention.self.value.weight": v, p + "attention.self.value.bias": vb,
                p + "attention.output.dense.weight": l.self_attn.out_proj.weight,
                p + "attention.output.dense.bias": l.self_attn.out_proj.bias,
                p + "attention.output.LayerNorm.weight": l.norm1.weight,
                p + "attention.output.LayerNorm.bias": l.norm1.bias,
                p + "intermediate.dense.weight": l.linear1.weight, p + "intermediate.dense.bias": l.linear1.bias,
                p + "output.dense.weight": l.linear2.weight, p + "output.dense.bias": l.linear2.bias,
                p + "output.LayerNorm.weight": l.norm2.weight, p + "output.LayerNorm.bias": l.norm2.bias,
            })
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
        allowed = torch.tril(torch.ones(t, t, dtype=torch.bool))[None, None] & mask[:, None, None, :]
        scores = scores.masked_fill(~allowed, torch.finfo(scores.dtype).min)
        a = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, t, d)
        x = x + self.proj(a)
        return x + self.out(nn.functional.gelu(self.fc(self.ln_2(x)), approximate="tanh"))


class Gpt2(nn.Module):
    def __init__(self, vocab, hidden, layers, heads, inter, positions, eps):
        super().__init__()
        self.wte = nn.Embedding(vocab, hidden)
        self.wpe = nn.Embedding(positions, hidden)
        self.blocks = nn.ModuleList(Gpt2Block(hidden, heads, inter, eps) for _ in range(layers))
        self.ln_f = nn.LayerNorm(hidden, eps=eps)

    def forward(self, ids, mask):
        x = self.wte(ids) + self.wpe(torch.arange(ids.shape[1]))[None]
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data"))
    args = ap.parse_args()
    tok = os.path.join(args.shared, "tokenizers")
    torch.manual_seed(0)
    torch.set_grad_enabled(False)

    bert = Bert(30522, 128, 2, 2, 512, 512, 2, 1e-12).eval()
    ids, mask = batch([[101, 7592, 2088, 999, 102], [101, 2129, 102]], 0)
    save(os.path.join(args.out, "bert-tiny-random"),
         {"model_type": "bert", "hidden_size": 128, "num_hidden_layers": 2, "num_attention_heads": 2,
          "intermediate_size": 512, "hidden_act": "gelu", "layer_norm_eps": 1e-12, "max_position_embeddings": 512,
          "vocab_size": 30522, "type_vocab_size": 2, "pad_token_id": 0},
         bert, ids, mask, {"last_hidden_state": bert(ids, mask)},
         [(os.path.join(tok, "bert_base_uncased", "vocab.txt"), "vocab.txt")])

    gpt2 = Gpt2(50257, 64, 2, 4, 256, 128, 1e-5).eval()
    ids, mask = batch([[15496, 2159, 0], [15496]], 50256)
    hidden, logits = gpt2(ids, mask)
    last = mask.sum(1) - 1
    save(os.path.join(args.out, "gpt2-shaped-random"),
         {"model_type": "gpt2", "n_embd": 64, "n_layer": 2, "n_head": 4, "n_inner": 256,
          "activation_function": "gelu_new", "layer_norm_epsilon": 1e-5, "n_positions": 128, "vocab_size": 50257},
         gpt2, ids, mask, {"last_hidden_state": hidden, "last_logits": logits[torch.arange(len(last)), last]},
         [(os.path.join(tok, "gpt2", "encoder.json"), "vocab.json"), (os.path.join(tok, "gpt2", "vocab.bpe"), "merges.txt")])

    # The files read back equal what was written (the writer follows the format, not a library).
    for name, model in (("bert-tiny-random", bert), ("gpt2-shaped-random", gpt2)):
        back = read_safetensors(os.path.join(args.out, name, "model.safetensors"))
        for k, v in model.hf_tensors().items():
            assert torch.equal(back[k], v.contiguous()), k


if __name__ == "__main__":
    main()
