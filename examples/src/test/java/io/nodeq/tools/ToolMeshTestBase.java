package io.nodeq.tools;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** Gives each test a fresh {@link ToolMesh} (lookup + daemon) in its own temporary directory. */
abstract class ToolMeshTestBase {
    @TempDir
    Path tmp;
    ToolMesh mesh;

    @BeforeEach
    void startMesh() throws Exception {
        mesh = new ToolMesh(tmp);
    }

    @AfterEach
    void stopMesh() throws Exception {
        mesh.close();
    }
}
