package dev.bantam.cuda;

import dev.bantam.cuda.ffi.NativeLibrary;
import dev.bantam.cuda.ffi.NativeLibraryException;
import org.junit.jupiter.api.Test;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.ValueLayout;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** CI: finding native libraries, and the one-line errors when they or their functions are missing. */
class NativeLibraryTest {
    @Test
    void aMissingLibraryNamesWhatWasTriedAndHowToPointAtIt() {
        assertThatThrownBy(() -> NativeLibrary.find("the test library", "bantam.test.lib", List.of("libbantam-does-not-exist.so.1")))
                .isInstanceOf(NativeLibraryException.class)
                .hasMessageStartingWith("the test library not found: none of libbantam-does-not-exist.so.1")
                .hasMessageContaining("-Dbantam.test.lib=")
                .hasMessageNotContaining("\n");
    }

    @Test
    void aPropertyNamingAMissingFileIsReported() {
        System.setProperty("bantam.test.lib", "/nonexistent/libcuda.so.1");
        try {
            assertThatThrownBy(() -> NativeLibrary.find("the CUDA driver", "bantam.test.lib", List.of("libc.so.6")))
                    .isInstanceOf(NativeLibraryException.class)
                    .hasMessage("the CUDA driver: bantam.test.lib=/nonexistent/libcuda.so.1 is not a file");
        } finally {
            System.clearProperty("bantam.test.lib");
        }
    }

    @Test
    void bindsAFunctionOfALibraryOnTheLoaderPathAndNamesAMissingOne() throws Throwable {
        NativeLibrary libc = NativeLibrary.find("the C library", "bantam.test.libc", List.of("libc.so.6"));
        var strlen = libc.function("strlen", FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            assertThat((long) strlen.invoke(arena.allocateFrom("bantam"))).isEqualTo(6);
        }
        assertThatThrownBy(() -> libc.function("cuInit", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT)))
                .isInstanceOf(NativeLibraryException.class)
                .hasMessage("libc.so.6 has no function cuInit (too old a version?)");
    }
}
