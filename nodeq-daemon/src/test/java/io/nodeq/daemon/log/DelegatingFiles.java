package io.nodeq.daemon.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** A {@link FileLayer} that passes everything on; tests override the one operation they hold or break. */
public class DelegatingFiles implements FileLayer {
    private final FileLayer to;

    public DelegatingFiles(FileLayer to) {
        this.to = to;
    }

    @Override
    public FileChannel open(Path file, Set<? extends OpenOption> options) throws IOException {
        return to.open(file, options);
    }

    @Override
    public List<Path> list(Path dir) throws IOException {
        return to.list(dir);
    }

    @Override
    public void delete(Path path) throws IOException {
        to.delete(path);
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        to.createDirectories(dir);
    }

    @Override
    public void atomicWrite(Path target, byte[] content) throws IOException {
        to.atomicWrite(target, content);
    }

    @Override
    public void move(Path from, Path to) throws IOException {
        this.to.move(from, to);
    }

    @Override
    public void fsyncDirectory(Path dir) throws IOException {
        to.fsyncDirectory(dir);
    }
}
