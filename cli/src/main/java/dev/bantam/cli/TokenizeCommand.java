package dev.bantam.cli;

import dev.bantam.core.model.ModelFile;
import dev.bantam.core.tokenizer.Tokenizer;
import dev.bantam.core.tokenizer.TokenizerFiles;
import dev.bantam.core.tokenizer.Tokenizers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Print the token ids and pieces of a text under a model's vocabulary.")
final class TokenizeCommand implements Callable<Integer> {
    @Mixin
    ModelOption modelOption;

    @Option(names = "--tokenizer", paramLabel = "FILE",
            description = {"Use a tokenizer file instead of the model's: a Hugging Face tokenizer.json,",
                    "or GPT-2's encoder.json (with vocab.bpe beside it)."})
    Path tokenizerFile;

    @Option(names = "--ids", description = "Print only the ids, as a list.")
    boolean idsOnly;

    @Option(names = "--no-bos", description = "Do not add the BOS token even when the model asks for it.")
    boolean noBos;

    @Parameters(paramLabel = "TEXT", description = "The text to tokenize.")
    String text;

    @Override
    public Integer call() throws Exception {
        Tokenizer tokenizer = tokenizer();
        int[] ids = tokenizer.encode(text, tokenizer.addBosByDefault() && !noBos, true);
        if (idsOnly) {
            System.out.println(Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(", ", "[", "]")));
        } else {
            for (int id : ids) System.out.printf("%6d -> '%s'%n", id, printable(tokenizer.decode(new int[] {id})));
        }
        return 0;
    }

    private Tokenizer tokenizer() throws IOException {
        if (tokenizerFile == null) {
            try (ModelFile model = ModelFile.open(modelOption.resolve())) {
                return model.tokenizer();
            }
        }
        if (!Files.isRegularFile(tokenizerFile)) throw new NoSuchFileException(tokenizerFile.toString());
        if (tokenizerFile.getFileName().toString().equals("encoder.json")) {
            Path merges = tokenizerFile.resolveSibling("vocab.bpe");
            if (!Files.isRegularFile(merges)) throw new NoSuchFileException(merges.toString());
            return TokenizerFiles.fromGpt2Files(tokenizerFile, merges);
        }
        return TokenizerFiles.fromHuggingFaceJson(tokenizerFile);
    }

    /** Shows control characters as escapes so every piece fits on its line. */
    private static String printable(String piece) {
        return piece.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
    }
}
