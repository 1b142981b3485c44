"""Which files of a Hub repository are model weights, in whatever format they were released.

A file is weights when its name ends with a known weight format, or when it is a large file
stored in Git LFS whose name is not a known non-weight format (a dataset, media, an archive of
documents): new formats appear faster than any list, and a repository's largest LFS files are
almost always its parameters. Pure functions over (path, size, is_lfs) triples.

To recognise a new format, add its suffix to WEIGHT_FORMATS (and a test in
tests/hubs/test_weights.py).
"""

from dataclasses import dataclass

# Suffix (lower case, with its dot) -> the format's name as pages show it.
WEIGHT_FORMATS = {
    ".safetensors": "safetensors",
    ".bin": "PyTorch (pickle)",
    ".pt": "PyTorch (pickle)",
    ".pth": "PyTorch (pickle)",
    ".ckpt": "checkpoint",
    ".gguf": "GGUF",
    ".ggml": "GGML",
    ".onnx": "ONNX",
    ".msgpack": "Flax (msgpack)",
    ".h5": "Keras (HDF5)",
    ".keras": "Keras",
    ".npz": "NumPy",
    ".tflite": "TensorFlow Lite",
    ".litertlm": "LiteRT-LM",
    ".task": "MediaPipe task",
    ".pte": "ExecuTorch",
    ".nemo": "NVIDIA NeMo",
    ".mlmodel": "Core ML",
    ".mlpackage": "Core ML",
    ".engine": "TensorRT",
    ".llamafile": "llamafile",
    ".exl2": "ExLlamaV2",
    ".pdparams": "PaddlePaddle",
    ".mar": "TorchServe archive",
    ".joblib": "joblib",
    ".pkl": "pickle",
}
# Saved TensorFlow and OpenVINO models are directories whose weight files have generic names.
WEIGHT_NAMES = {
    "saved_model.pb": "TensorFlow SavedModel",
    "openvino_model.xml": "OpenVINO",
}
WEIGHT_DIRECTORY_PARTS = {"variables/variables.data": "TensorFlow SavedModel"}
# An LFS file at least this large is weights unless its suffix says otherwise.
LARGE_LFS_BYTES = 50 * 1024 * 1024
NOT_WEIGHTS = frozenset(
    [
        ".parquet",
        ".arrow",
        ".csv",
        ".tsv",
        ".jsonl",
        ".json",
        ".txt",
        ".md",
        ".pdf",
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".webp",
        ".svg",
        ".mp4",
        ".webm",
        ".mov",
        ".avi",
        ".wav",
        ".mp3",
        ".flac",
        ".ogg",
        ".zip",
        ".tar",
        ".gz",
        ".tgz",
        ".ipynb",
        ".html",
        ".log",
    ]
)


@dataclass(frozen=True)
class RepoFile:
    """One file of a repository as the Hub lists it; size and LFS only with `blobs=true`."""

    path: str
    size: int | None = None
    lfs: bool = False


def weight_format(file):
    """The format name of a weight file, or None when `file` (a RepoFile) is not weights."""
    name = file.path.rsplit("/", 1)[-1].lower()
    for weight_name, format_name in WEIGHT_NAMES.items():
        if name == weight_name:
            return format_name
    for part, format_name in WEIGHT_DIRECTORY_PARTS.items():
        if part in file.path.lower():
            return format_name
    suffix = _suffix(name)
    if suffix in WEIGHT_FORMATS:
        return WEIGHT_FORMATS[suffix]
    if file.lfs and (file.size or 0) >= LARGE_LFS_BYTES and suffix not in NOT_WEIGHTS:
        return "large LFS file"
    return None


def weight_files(files):
    """The paths of the weight files among `files` (RepoFiles), in their order."""
    return tuple(file.path for file in files if weight_format(file) is not None)


def weight_formats(files):
    """The distinct weight formats among `files` (RepoFiles), in first-seen order."""
    return tuple(dict.fromkeys(f for f in map(weight_format, files) if f is not None))


def _suffix(name):
    dot = name.rfind(".")
    return name[dot:] if dot > 0 else ""
