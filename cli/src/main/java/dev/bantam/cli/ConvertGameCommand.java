package dev.bantam.cli;

import dev.bantam.convert.GameModelConverter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "convert-game", mixinStandardHelpOptions = true,
        description = {"Convert a policy/value network (model.safetensors + config.json: a Hugging Face GPT-2 or Llama",
                "backbone under 'backbone.', linear heads 'policy.' and 'value.') to a float32 GGUF file that Bantam's",
                "engine runs: llama.cpp tensor names for the backbone, head.* tensors and bantam.head.* metadata",
                "(docs/game-heads.md), a 128-symbol ASCII vocabulary."})
final class ConvertGameCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "Folder with config.json and model.safetensors.")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT.gguf", description = "File to write.")
    Path out;

    @Option(names = "--record-start", paramLabel = "TEXT", defaultValue = "",
            description = "Text before the first move of a game record the model reads ('^' for the trained fixtures; default: none).")
    String recordStart;

    @Option(names = "--force", description = "Overwrite OUT if it exists.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(in)) throw new UsageException(in + ": expected a folder with config.json and model.safetensors");
        OutputFile.checkWritable(out, force);
        GameModelConverter.convert(in, recordStart, out);
        OutputFile.reportWritten(out);
        return 0;
    }
}
