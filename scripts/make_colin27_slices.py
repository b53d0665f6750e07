#!/usr/bin/env python3
"""Make the Colin27 / AAL real-data test slices for MedSA-J.

Reads Debian mricron-data's ch2.nii.gz (Colin27 T1) and aal.nii.gz (AAL atlas), both 181x217x181 uint8 on the
same 1 mm grid, and writes axial slices as small 8-bit greyscale PNGs:

  full/img_zNNN.png  217x181  ch2 slice, display orientation, scaled to 0..255
  full/lab_zNNN.png  217x181  AAL label values 0..116 (not scaled)
  128/img_zNNN.png   128x128  image zero-padded to 217x217 (right/bottom), area-averaged to 128x128
  128/lab_zNNN.png   128x128  labels zero-padded the same way, nearest neighbour to 128x128
  manifest.csv, split.csv, aal_labels.csv

Rules (they reproduce /work/shared/fixtures/sam-tiny/image.npy and aal_labels.npy for z = 92 exactly):
  orientation: s = vol[:, :, z] (x = rows, y = cols, NIfTI Fortran order); display = np.rot90(s, k=1), no flip
               -> 217 rows (y, anterior at the top) x 181 cols (x).
  intensity:   img = np.round(display / display.max() * 255) (per-slice maximum; ch2 minimum is 0;
               np.round rounds half to even). scl_slope/scl_inter are applied first (they are 1/0 here).
  128:         pad to 217x217 with zeros on the right/bottom, then
               image: exact area averaging (each output pixel = overlap-weighted mean of the input pixels
                      under its 217/128-wide box, separable rows then columns), np.round, uint8;
               labels: nearest neighbour, source index = floor(o * 217 / 128) (PyTorch 'nearest').

Python 3 + numpy only: NIfTI-1 is parsed by hand (gzip + struct), PNGs are written by hand (zlib + struct).
Output is deterministic: fixed PNG filter choice, zlib level 9, no timestamps.
"""
import argparse
import csv
import gzip
import os
import struct
import zlib

import numpy as np

Z_FIRST, Z_LAST = 66, 97          # inclusive (MNI z -5..+26 mm): thalamus (AAL 77/78) is in z 69..91, 23 of 32 slices
TEST_EVERY, TEST_REM = 4, 0       # split: slice z is 'test' when z % 4 == 0, else 'train'
OUT = 128
STRUCTURES = [                    # (column name, AAL labels) counted in manifest.csv on the 128 grid
    ("thalamus", (77, 78)),
    ("caudate", (71, 72)),
    ("putamen", (73, 74)),
    ("pallidum", (75, 76)),
]
NIFTI_DTYPES = {2: np.uint8, 4: np.int16, 8: np.int32, 16: np.float32, 64: np.float64, 256: np.int8,
                512: np.uint16, 768: np.uint32}


def read_nifti(path):
    """Return (float64 volume in x,y,z order, header dict) for a gzipped single-file NIfTI-1 (.nii.gz)."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    if struct.unpack("<i", raw[0:4])[0] == 348:
        end = "<"
    elif struct.unpack(">i", raw[0:4])[0] == 348:
        end = ">"
    else:
        raise ValueError(f"{path}: sizeof_hdr is not 348, not NIfTI-1")
    if raw[344:347] not in (b"n+1", b"ni1"):
        raise ValueError(f"{path}: bad NIfTI magic {raw[344:348]!r}")
    dims = struct.unpack(end + "8h", raw[40:56])
    datatype = struct.unpack(end + "h", raw[70:72])[0]
    vox_offset = int(struct.unpack(end + "f", raw[108:112])[0])
    slope, inter = struct.unpack(end + "2f", raw[112:120])
    ndim = dims[0]
    if ndim < 3 or any(d != 1 for d in dims[4:ndim + 1]):
        raise ValueError(f"{path}: expected a 3-D volume, dims {dims}")
    shape = dims[1:4]
    dt = np.dtype(NIFTI_DTYPES[datatype]).newbyteorder(end)
    count = int(np.prod(shape))
    data = np.frombuffer(raw, dtype=dt, count=count, offset=vox_offset)
    vol = data.reshape(shape, order="F").astype(np.float64)   # x fastest
    if slope != 0 and not (slope == 1 and inter == 0):
        vol = vol * slope + inter
    return vol, {"dims": dims, "datatype": datatype, "vox_offset": vox_offset, "slope": slope, "inter": inter}


def _png_chunk(tag, data):
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = np.abs(p - a), np.abs(p - b), np.abs(p - c)
    return np.where((pa <= pb) & (pa <= pc), a, np.where(pb <= pc, b, c))


def write_png_gray8(path, img):
    """Write a 2-D uint8 array as an 8-bit greyscale PNG (per-row filter: minimum sum of |signed bytes|)."""
    img = np.ascontiguousarray(img, dtype=np.uint8)
    h, w = img.shape
    out = bytearray()
    prev = np.zeros(w, dtype=np.int32)
    for r in range(h):
        cur = img[r].astype(np.int32)
        left = np.concatenate(([0], cur[:-1]))
        upleft = np.concatenate(([0], prev[:-1]))
        cands = [cur, cur - left, cur - prev, cur - ((left + prev) // 2), cur - _paeth(left, prev, upleft)]
        best, best_cost = 0, None
        for ftype, c in enumerate(cands):
            b = (c & 0xFF).astype(np.uint8)
            cost = int(np.abs(b.astype(np.int8).astype(np.int32)).sum())
            if best_cost is None or cost < best_cost:
                best, best_cost = ftype, cost
        out.append(best)
        out += (cands[best] & 0xFF).astype(np.uint8).tobytes()
        prev = cur
    png = b"\x89PNG\r\n\x1a\n"
    png += _png_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
    png += _png_chunk(b"IDAT", zlib.compress(bytes(out), 9))
    png += _png_chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(png)


def display(slice_xy):
    """Axial slice (x rows, y cols) -> display orientation: rotate 90 degrees counter-clockwise, no flip."""
    return np.rot90(slice_xy, k=1)


def scale_to_u8(img):
    m = img.max()
    if m <= 0:
        return np.zeros(img.shape, dtype=np.uint8)
    return np.round(img / m * 255.0).astype(np.uint8)


def area_weights(n_in, n_out):
    w = np.zeros((n_out, n_in))
    s = n_in / n_out
    for o in range(n_out):
        a, b = o * s, (o + 1) * s
        for j in range(int(np.floor(a)), min(int(np.ceil(b)), n_in)):
            w[o, j] = max(0.0, min(b, j + 1) - max(a, j))
        w[o] /= w[o].sum()
    return w


def pad_square(img):
    n = max(img.shape)
    out = np.zeros((n, n), dtype=img.dtype)
    out[: img.shape[0], : img.shape[1]] = img
    return out


def resize_area(img_u8, n_out):
    w = area_weights(img_u8.shape[0], n_out)     # square input
    return np.round(w @ img_u8.astype(np.float64) @ w.T).astype(np.uint8)


def resize_nearest(lab_u8, n_out):
    idx = np.floor(np.arange(n_out) * lab_u8.shape[0] / n_out).astype(np.int64)
    return lab_u8[idx][:, idx]


def read_label_names(path):
    names = {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and parts[0].isdigit():
                names[int(parts[0])] = (parts[1], parts[2] if len(parts) > 2 else "")
    return names


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ch2", required=True, help="ch2.nii.gz (Colin27 T1)")
    ap.add_argument("--aal", required=True, help="aal.nii.gz (AAL atlas)")
    ap.add_argument("--aal-txt", default=None, help="aal.nii.txt (label names); default: next to --aal")
    ap.add_argument("--out", required=True, help="output folder")
    args = ap.parse_args()

    ch2, h1 = read_nifti(args.ch2)
    aal, h2 = read_nifti(args.aal)
    if ch2.shape != aal.shape:
        raise SystemExit(f"grids differ: {ch2.shape} vs {aal.shape}")
    if aal.min() < 0 or aal.max() > 255 or np.any(aal != np.round(aal)):
        raise SystemExit("AAL labels do not fit 8-bit integers")
    aal_txt = args.aal_txt or os.path.join(os.path.dirname(args.aal), "aal.nii.txt")
    names = read_label_names(aal_txt)

    os.makedirs(os.path.join(args.out, "full"), exist_ok=True)
    os.makedirs(os.path.join(args.out, str(OUT)), exist_ok=True)

    rows = []
    for z in range(Z_FIRST, Z_LAST + 1):
        img = scale_to_u8(display(ch2[:, :, z]))
        lab = display(aal[:, :, z]).astype(np.uint8)
        img128 = resize_area(pad_square(img), OUT)
        lab128 = resize_nearest(pad_square(lab), OUT)
        tag = f"z{z:03d}"
        paths = {
            "image": f"full/img_{tag}.png", "labels": f"full/lab_{tag}.png",
            "image_128": f"{OUT}/img_{tag}.png", "labels_128": f"{OUT}/lab_{tag}.png",
        }
        for key, arr in (("image", img), ("labels", lab), ("image_128", img128), ("labels_128", lab128)):
            write_png_gray8(os.path.join(args.out, paths[key]), arr)
        row = {"slice": z, **paths, "ch2_slice_max": int(display(ch2[:, :, z]).max()),
               "thalamus_pixels_full": int(np.isin(lab, (77, 78)).sum())}
        for name, labels in STRUCTURES:
            row[f"{name}_pixels_128"] = int(np.isin(lab128, labels).sum())
        rows.append(row)

    cols = ["slice", "image", "labels", "image_128", "labels_128", "thalamus_pixels_128", "caudate_pixels_128",
            "putamen_pixels_128", "pallidum_pixels_128", "thalamus_pixels_full", "ch2_slice_max"]
    with open(os.path.join(args.out, "manifest.csv"), "w", newline="") as f:
        wr = csv.writer(f, lineterminator="\n")
        wr.writerow(cols)
        for r in rows:
            wr.writerow([r[c] for c in cols])
    with open(os.path.join(args.out, "split.csv"), "w", newline="") as f:
        wr = csv.writer(f, lineterminator="\n")
        wr.writerow(["slice", "split"])
        for r in rows:
            wr.writerow([r["slice"], "test" if r["slice"] % TEST_EVERY == TEST_REM else "train"])
    with open(os.path.join(args.out, "aal_labels.csv"), "w", newline="") as f:
        wr = csv.writer(f, lineterminator="\n")
        wr.writerow(["label", "name", "aal_code"])
        for k in sorted(names):
            wr.writerow([k, names[k][0], names[k][1]])
    print(f"wrote {len(rows)} slices z {Z_FIRST}..{Z_LAST} to {args.out}")


if __name__ == "__main__":
    main()
