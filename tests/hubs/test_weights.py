"""Weights recognised in any released format: by name, and by the size of LFS files."""

import pytest

from catalog.hubs.weights import (
    LARGE_LFS_BYTES,
    WEIGHT_FORMATS,
    RepoFile,
    weight_files,
    weight_format,
    weight_formats,
)

# One real-looking file per format the list names: each must be recognised.
FILES_BY_FORMAT = {
    ".safetensors": "model-00001-of-00004.safetensors",
    ".bin": "pytorch_model.bin",
    ".pt": "checkpoints/model.pt",
    ".pth": "sam_vit_h.pth",
    ".ckpt": "v2-1_768-ema-pruned.ckpt",
    ".gguf": "gemma-3-4b-it-Q4_K_M.gguf",
    ".ggml": "ggml-model-q4_0.ggml",
    ".onnx": "onnx/model.onnx",
    ".msgpack": "flax_model.msgpack",
    ".h5": "tf_model.h5",
    ".keras": "model.keras",
    ".npz": "params.npz",
    ".tflite": "gemma3-1b-it-int4.tflite",
    ".litertlm": "gemma-3n-E4B-it-int4.litertlm",
    ".task": "gemma3-1B-it-int4.task",
    ".pte": "llama3_2_1b.pte",
    ".nemo": "parakeet-tdt-0.6b-v2.nemo",
    ".mlmodel": "Model.mlmodel",
    ".mlpackage": "StableDiffusion.mlpackage",
    ".engine": "model.engine",
    ".llamafile": "llava-v1.5-7b-q4.llamafile",
    ".exl2": "output.exl2",
    ".pdparams": "model_state.pdparams",
    ".mar": "model.mar",
    ".joblib": "classifier.joblib",
    ".pkl": "model.pkl",
}


def test_every_listed_format_has_an_example_here():
    assert set(FILES_BY_FORMAT) == set(WEIGHT_FORMATS)


@pytest.mark.parametrize(("suffix", "path"), sorted(FILES_BY_FORMAT.items()))
def test_a_weight_file_in_each_listed_format_is_recognised(suffix, path):
    assert weight_format(RepoFile(path)) == WEIGHT_FORMATS[suffix]


@pytest.mark.parametrize("path", ["GEMMA.LITERTLM", "Model.GGUF", "x/Y.SafeTensors"])
def test_suffixes_are_read_in_any_letter_case(path):
    assert weight_format(RepoFile(path)) is not None


@pytest.mark.parametrize(
    ("path", "name"),
    [("saved_model/saved_model.pb", "TensorFlow SavedModel"),
     ("saved_model/variables/variables.data-00000-of-00001", "TensorFlow SavedModel"),
     ("openvino/openvino_model.xml", "OpenVINO")],
)  # fmt: skip
def test_saved_model_directories_are_recognised_by_their_file_names(path, name):
    assert weight_format(RepoFile(path)) == name


def test_a_large_lfs_file_in_an_unlisted_format_is_weights():
    big = RepoFile("model.someformat2027", size=LARGE_LFS_BYTES, lfs=True)
    assert weight_format(big) == "large LFS file"


@pytest.mark.parametrize(
    "file",
    [RepoFile("model.someformat2027", size=LARGE_LFS_BYTES - 1, lfs=True),
     RepoFile("model.someformat2027", size=LARGE_LFS_BYTES * 10, lfs=False),
     RepoFile("model.someformat2027")],
)  # fmt: skip
def test_an_unlisted_format_needs_a_large_lfs_file_to_count(file):
    assert weight_format(file) is None


@pytest.mark.parametrize(
    "path", ["train.parquet", "demo.mp4", "samples.zip", "eval/results.jsonl", "paper.pdf"]
)
def test_large_lfs_data_media_and_documents_are_not_weights(path):
    assert weight_format(RepoFile(path, size=LARGE_LFS_BYTES * 4, lfs=True)) is None


@pytest.mark.parametrize(
    "path", ["README.md", "config.json", "tokenizer.json", ".gitattributes", "LICENSE"]
)
def test_ordinary_repository_files_are_not_weights(path):
    assert weight_format(RepoFile(path, size=2000)) is None


def test_the_weight_files_and_formats_of_a_repository_keep_their_order():
    files = [
        RepoFile("README.md"), RepoFile("gemma-3n-E2B-it-int4.litertlm"),
        RepoFile("model.tflite"), RepoFile("other.litertlm"), RepoFile("config.json"),
    ]  # fmt: skip
    assert weight_files(files) == (
        "gemma-3n-E2B-it-int4.litertlm", "model.tflite", "other.litertlm"
    )  # fmt: skip
    assert weight_formats(files) == ("LiteRT-LM", "TensorFlow Lite")
