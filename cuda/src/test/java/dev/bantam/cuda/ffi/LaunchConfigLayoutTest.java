package dev.bantam.cuda.ffi;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemoryLayout.PathElement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CI: the structs cuLaunchKernelEx reads, laid out as cuda.h (CUDA 12/13, 64-bit host) has them:
 * a wrong offset would pass the stream or the attributes where the driver does not look.
 */
class LaunchConfigLayoutTest {
    @Test
    void launchConfigMatchesCudaH() {
        assertThat(CudaDriver.LAUNCH_CONFIG.byteSize()).isEqualTo(56);
        assertThat(CudaDriver.LAUNCH_CONFIG.byteOffset(PathElement.groupElement("sharedMemBytes"))).isEqualTo(24);
        assertThat(CudaDriver.LAUNCH_CONFIG.byteOffset(PathElement.groupElement("hStream"))).isEqualTo(32);
        assertThat(CudaDriver.LAUNCH_CONFIG.byteOffset(PathElement.groupElement("attrs"))).isEqualTo(40);
        assertThat(CudaDriver.LAUNCH_CONFIG.byteOffset(PathElement.groupElement("numAttrs"))).isEqualTo(48);
    }

    @Test
    void launchAttributeMatchesCudaH() {
        assertThat(CudaDriver.LAUNCH_ATTRIBUTE.byteSize()).isEqualTo(72);
        assertThat(CudaDriver.LAUNCH_ATTRIBUTE.byteOffset(PathElement.groupElement("value"))).isEqualTo(8);
    }
}
