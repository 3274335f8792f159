package io.nodeq.daemon.log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates a directory with its missing parents and remembers them: a new directory survives a power
 * loss only once the directory holding its entry is fsynced, which the first force of the log or
 * cursor store that created it does. Owned by that log or store.
 */
final class NewDirs {

    /** Created directories, deepest first. */
    private final List<Path> created = new ArrayList<>(2);

    /** Creates {@code dir} and its missing parents. */
    void create(FileLayer files, Path dir) throws IOException {
        List<Path> missing = new ArrayList<>(2);
        for (Path p = dir.toAbsolutePath(); p != null && !Files.exists(p); p = p.getParent()) {
            missing.add(p);
        }
        files.createDirectories(dir);
        created.addAll(missing);
    }

    boolean pending() {
        return !created.isEmpty();
    }

    /** Fsyncs the parent of each created directory, the top one first. */
    void sync(FileLayer files) throws IOException {
        while (!created.isEmpty()) {
            Path top = created.get(created.size() - 1);
            files.fsyncDirectory(top.getParent());
            created.remove(created.size() - 1);
        }
    }
}
