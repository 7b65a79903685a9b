package dev.bantam.cli;

import dev.bantam.core.backend.InferenceBackend;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "backends", mixinStandardHelpOptions = true,
        description = "List the inference backends on the class path and whether each can run here.")
final class BackendsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        for (InferenceBackend b : InferenceBackend.all()) {
            var a = b.availability();
            System.out.printf("%-14s %s%n", b.id(), a.available() ? "available" : "unavailable: " + a.reason());
        }
        System.out.println("bantam serve: " + InferenceBackend.all().stream().filter(InferenceBackend::batchesSlots).map(InferenceBackend::id)
                .collect(java.util.stream.Collectors.joining(", ")) + " batch their slots in one decode step; the others run one session per slot (correct, not batched)");
        return 0;
    }
}
