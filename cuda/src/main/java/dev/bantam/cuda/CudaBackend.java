package dev.bantam.cuda;

import dev.bantam.core.backend.InferenceBackend;
import dev.bantam.core.backend.InferenceSession;
import dev.bantam.core.backend.SlotSession;
import dev.bantam.core.backend.ModelSource;
import dev.bantam.core.backend.SessionOptions;
import dev.bantam.core.model.ModelFile;
import dev.bantam.cuda.ffi.CudaDriver;
import dev.bantam.cuda.ffi.CudaException;
import dev.bantam.cuda.ffi.Cublas;
import dev.bantam.cuda.ffi.NativeLibraryException;
import dev.bantam.cuda.ffi.Nvrtc;

import java.io.IOException;

/**
 * Bantam's CUDA engine on GPU 0: the CUDA driver and cuBLAS reached through the Foreign Function
 * & Memory API, kernels from PTX. Available when the driver loads, reports a device, cuBLAS is
 * found, and the kernels are in the jar as PTX or NVRTC is there to compile them.
 */
public final class CudaBackend implements InferenceBackend {
    public static final String ID = "cuda";

    @Override
    public String id() { return ID; }

    @Override
    public Availability availability() {
        return probe();
    }

    /** Why this machine can or cannot run the backend, checked from the libraries up. */
    static Availability probe() {
        try {
            CudaDriver cu = CudaDriver.load();
            cu.init();
            if (cu.deviceCount() == 0) return Availability.no("the CUDA driver reports no device");
            Cublas.library();
            if (!KernelSources.hasPrebuiltPtx()) Nvrtc.load();
            return Availability.yes();
        } catch (NativeLibraryException e) {
            return Availability.no(e.getMessage());
        } catch (CudaException e) {
            return Availability.no(e.getMessage().contains("CUDA_ERROR_NO_DEVICE") ? "the CUDA driver reports no device" : e.getMessage());
        }
    }

    @Override
    public InferenceSession open(ModelSource source, SessionOptions options) throws IOException {
        if (!source.isGguf()) throw new IllegalArgumentException(source.fileName() + ": the cuda backend runs GGUF files");
        boolean kvHalf = kvHalf(options);
        Availability a = probe();
        if (!a.available()) throw new IllegalStateException("cuda backend unavailable: " + a.reason());
        // tokenizer, config and weights are read and checked here, before the GPU is touched; the
        // session uploads these weights (no CPU engine is built)
        ModelFile model = ModelFile.load(source.path());
        Gpu gpu = null;
        try {
            if (model.gguf().hasTensor(dev.bantam.core.model.LongRope.LONG)) {
                throw new dev.bantam.core.model.UnsupportedModelException(source.fileName() + ": the cuda backend does not support longrope scaling (rope_factors_long/short.weight) yet (the cpu backend does)");
            }
            gpu = new Gpu(CudaDriver.load(), 0);
            int ctx = options.contextFor(model.config().contextLength());
            return new CudaSession(model, gpu, ctx, options.maxBatch(), kvHalf);
        } catch (RuntimeException e) {
            if (gpu != null) gpu.close();
            model.close();
            if (e instanceof IllegalArgumentException iae) {
                throw new IllegalArgumentException(source.fileName() + ": " + iae.getMessage(), iae);
            }
            throw e;
        }
    }

    /** {@link SessionOptions#KV_TYPE}: f32 (the default) or f16. */
    static boolean kvHalf(SessionOptions options) {
        String type = options.backendOption(SessionOptions.KV_TYPE).orElse("f32");
        return switch (type) {
            case "f32" -> false;
            case "f16" -> true;
            default -> throw new IllegalArgumentException(SessionOptions.KV_TYPE + ": expected f16 or f32, got '" + type + "'");
        };
    }

    @Override
    public java.util.Set<String> backendOptions() { return java.util.Set.of(SessionOptions.KV_TYPE); }

    /** One session of {@code options.maxBatch()} sequences, which are the slots: one upload of the weights. */
    @Override
    public SlotSession openSlots(ModelSource source, SessionOptions options) throws IOException {
        return new CudaSlots((CudaSession) open(source, options));
    }

    @Override
    public boolean batchesSlots() { return true; }
}
