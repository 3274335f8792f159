package io.nodeq.daemon.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodeq.daemon.log.CursorStore.CursorState;
import io.nodeq.daemon.log.CursorStore.Pending;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.longlong.Roaring64NavigableMap;

class CursorStoreTest {

    @TempDir
    Path tmp;

    private final FaultyFiles files = new FaultyFiles();

    private static List<Long> finished(CursorState s) {
        return Arrays.stream(s.finished().toArray()).boxed().toList();
    }

    private static CursorState replay(CursorEvents ev) {
        return CursorReplay.apply(CursorState.empty(), ev.array(), 0, ev.size());
    }

    // ------------------------------------------------------------------ replay semantics

    @Test
    void finsAdvanceTheFloorOverRunsOfFinishedSeqs() {
        CursorEvents ev = new CursorEvents();
        ev.floor(10);
        ev.fin(12, 14);
        ev.fin(16, 16);
        CursorState s = replay(ev);
        assertThat(s.ackFloor()).isEqualTo(10);
        assertThat(finished(s)).containsExactly(12L, 13L, 14L, 16L);
        ev.fin(10, 11);
        s = replay(ev);
        assertThat(s.ackFloor()).isEqualTo(15);
        assertThat(finished(s)).containsExactly(16L);
        ev.fin(15, 15);
        s = replay(ev);
        assertThat(s.ackFloor()).isEqualTo(17);
        assertThat(s.finished().isEmpty()).isTrue();
    }

    @Test
    void aFloorAdvanceOverALongRunIsOneStep() {
        CursorReplay r = new CursorReplay(CursorState.empty());
        r.floor(0);
        r.fin(1, 10_000_000);
        assertThat(r.state().ackFloor()).isZero();
        r.fin(0, 0);
        assertThat(r.state().ackFloor()).isEqualTo(10_000_001);
        assertThat(r.state().finished().isEmpty()).isTrue();
    }

    @Test
    void requeueIsPendingUntilFinished() {
        CursorEvents ev = new CursorEvents();
        ev.floor(0);
        ev.delivered(5);
        ev.requeue(2, 1, 0);
        ev.requeue(3, 2, 123_456L);
        ev.requeue(2, 3, 99L);
        CursorState s = replay(ev);
        assertThat(s.pending()).containsExactly(Map.entry(2L, new Pending(3, 99L)), Map.entry(3L, new Pending(2, 123_456L)));
        assertThat(s.readSeq()).isEqualTo(5);
        ev.fin(2, 2);
        ev.requeue(2, 4, 0); // after its FIN: ignored, a FIN is final
        s = replay(ev);
        assertThat(s.pending()).containsOnlyKeys(3L);
        assertThat(finished(s)).containsExactly(2L);
        ev.fin(0, 1);
        s = replay(ev);
        assertThat(s.ackFloor()).isEqualTo(3);
        assertThat(s.pending()).containsOnlyKeys(3L);
    }

    @Test
    void deliveredOnlyRaisesReadSeq() {
        CursorEvents ev = new CursorEvents();
        ev.floor(0);
        ev.delivered(9);
        ev.delivered(4);
        assertThat(replay(ev).readSeq()).isEqualTo(9);
    }

    @Test
    void aFloorDropsWhatIsBelowIt() {
        CursorEvents ev = new CursorEvents();
        ev.floor(0);
        ev.fin(3, 5);
        ev.fin(9, 9);
        ev.requeue(7, 1, 0);
        ev.requeue(12, 1, 0);
        ev.floor(8);
        CursorState s = replay(ev);
        assertThat(s.ackFloor()).isEqualTo(8);
        assertThat(s.readSeq()).isEqualTo(8);
        assertThat(finished(s)).containsExactly(9L);
        assertThat(s.pending()).containsOnlyKeys(12L);
        ev.floor(9); // meets the finished 9: the floor moves on to 10
        s = replay(ev);
        assertThat(s.ackFloor()).isEqualTo(10);
        assertThat(s.finished().isEmpty()).isTrue();
        ev.floor(4); // a lower floor changes nothing
        assertThat(replay(ev).ackFloor()).isEqualTo(10);
    }

    @Test
    void replayingAJournalAgainOverItsResultChangesNothing() {
        CursorEvents ev = new CursorEvents();
        ev.floor(100);
        ev.delivered(120);
        ev.fin(101, 104);
        ev.requeue(105, 2, 50);
        ev.requeue(110, 1, 0);
        ev.fin(110, 110);
        ev.fin(100, 100);
        CursorState once = replay(ev);
        String before = CursorStore.describe(once) + finished(once);
        CursorState twice = CursorReplay.apply(once, ev.array(), 0, ev.size());
        assertThat(CursorStore.describe(twice) + finished(twice)).isEqualTo(before);
    }

    @Test
    void aRewindForgetsWhatWasFinishedFromItsSeqAndKeepsThePending() {
        CursorEvents ev = new CursorEvents();
        ev.floor(0);
        ev.delivered(30);
        ev.fin(0, 19);
        ev.fin(22, 24);
        ev.requeue(25, 1, 0);
        ev.requeue(27, 2, 5_000);
        ev.rewind(10);
        CursorState s = replay(ev);
        assertThat(s.ackFloor()).isEqualTo(10);
        assertThat(s.readSeq()).isEqualTo(10);
        assertThat(s.finished().isEmpty()).isTrue();
        assertThat(s.pending()).containsExactly(Map.entry(25L, new Pending(1, 0)), Map.entry(27L, new Pending(2, 5_000)));
        ev.fin(10, 12); // delivered again and finished: the floor moves as before
        ev.delivered(13);
        s = replay(ev);
        assertThat(s.ackFloor()).isEqualTo(13);
        assertThat(s.readSeq()).isEqualTo(13);
    }

    @Test
    void aRewindAboveTheFloorKeepsWhatWasFinishedBelowIt() {
        CursorEvents ev = new CursorEvents();
        ev.floor(0);
        ev.fin(0, 9);
        ev.fin(12, 14);
        ev.fin(20, 21);
        ev.delivered(22);
        ev.rewind(13);
        CursorState s = replay(ev);
        assertThat(s.ackFloor()).isEqualTo(10);
        assertThat(finished(s)).containsExactly(12L);
        assertThat(s.readSeq()).isEqualTo(13);
    }

    @Test
    void replayingAJournalWithARewindAgainChangesNothing() {
        CursorEvents ev = new CursorEvents();
        ev.floor(0);
        ev.delivered(40);
        ev.fin(0, 39);
        ev.requeue(41, 1, 0);
        ev.rewind(15);
        ev.fin(15, 17);
        ev.fin(30, 30);
        ev.delivered(20);
        CursorState once = replay(ev);
        assertThat(once.ackFloor()).isEqualTo(18);
        String before = CursorStore.describe(once) + finished(once);
        CursorState twice = CursorReplay.apply(once, ev.array(), 0, ev.size());
        assertThat(CursorStore.describe(twice) + finished(twice)).isEqualTo(before);
    }

    @Test
    void aRewindSurvivesReopenAndASnapshot() throws IOException {
        CursorEvents ev = new CursorEvents();
        try (CursorStore store = CursorStore.open(tmp, "ch", files)) {
            ev.floor(0);
            ev.fin(0, 99);
            ev.delivered(100);
            ev.rewind(60);
            store.append(ev);
            store.force();
        }
        CursorState reopened;
        try (CursorStore store = CursorStore.open(tmp, "ch", files)) {
            reopened = store.recovered();
            assertThat(reopened.ackFloor()).isEqualTo(60);
            assertThat(reopened.readSeq()).isEqualTo(60);
            store.snapshot(reopened);
        }
        try (CursorStore store = CursorStore.open(tmp, "ch", files)) {
            assertThat(CursorStore.describe(store.recovered())).isEqualTo(CursorStore.describe(reopened));
        }
    }

    @Test
    void replayStopsAtATornOrCorruptEvent() {
        CursorEvents ev = new CursorEvents();
        ev.floor(0);
        ev.fin(1, 2);
        ev.requeue(0, 1, 0);
        ev.delivered(3);
        int[] ends = {13, 13 + 21, 13 + 21 + 25, 13 + 21 + 25 + 13};
        assertThat(ev.size()).isEqualTo(ends[3]);
        for (int len = 0; len <= ev.size(); len++) {
            CursorReplay r = new CursorReplay(CursorState.empty());
            int applied = r.apply(ev.array(), 0, len);
            int expected = 0;
            for (int e : ends) {
                if (e <= len) {
                    expected = e;
                }
            }
            assertThat(applied).as("prefix of %d bytes", len).isEqualTo(expected);
        }
        for (int i = 0; i < ev.size(); i++) {
            byte[] b = Arrays.copyOf(ev.array(), ev.size());
            b[i] ^= 0x10;
            int applied = new CursorReplay(CursorState.empty()).apply(b, 0, b.length);
            int eventStart = 0;
            for (int e : ends) {
                if (e <= i) {
                    eventStart = e;
                }
            }
            assertThat(applied).as("flipped byte %d", i).isEqualTo(eventStart);
        }
    }

    // ------------------------------------------------------------------ the store

    @Test
    void aNewChannelHasNoState() throws IOException {
        try (CursorStore store = CursorStore.open(tmp, "ch", files)) {
            assertThat(store.recovered().ackFloor()).isEqualTo(-1);
            assertThat(store.recovered().isNew()).isTrue();
            assertThat(store.journalBytes()).isZero();
            assertThat(store.dirty()).isTrue(); // the new journal's directory entry
            store.force();
            assertThat(store.dirty()).isFalse();
        }
        assertThat(tmp.resolve("ch.journal")).exists();
    }

    @Test
    void theFirstForceMakesNewDirectoriesDurable() throws IOException {
        try (CursorStore store = CursorStore.open(tmp.resolve("topic/channels"), "ch", files)) {
            store.force();
            // tmp (entry of topic/), topic/ (entry of channels/), channels/ (entry of the new journal)
            assertThat(files.dirSyncs.get()).isEqualTo(3);
            store.force();
            assertThat(files.dirSyncs.get()).isEqualTo(3);
        }
    }

    @Test
    void reopenReplaysTheJournal() throws IOException {
        CursorEvents ev = new CursorEvents();
        try (CursorStore store = CursorStore.open(tmp, "ch", files)) {
            ev.floor(5);
            ev.delivered(9);
            ev.fin(5, 6);
            ev.fin(8, 8);
            ev.requeue(7, 2, 1000);
            store.append(ev);
            ev.clear();
            assertThat(store.dirty()).isTrue();
            store.force();
            assertThat(store.dirty()).isFalse();
            ev.fin(10, 10);
            store.append(ev);
        }
        try (CursorStore store = CursorStore.open(tmp, "ch", files)) {
            CursorState s = store.recovered();
            assertThat(s.ackFloor()).isEqualTo(7);
            assertThat(s.readSeq()).isEqualTo(9);
            assertThat(finished(s)).containsExactly(8L, 10L);
            assertThat(s.pending()).containsExactly(Map.entry(7L, new Pending(2, 1000)));
        }
    }

    @Test
    void aSnapshotEmptiesTheJournalAndReopenStartsFromIt() throws IOException {
        CursorEvents ev = new CursorEvents();
        CursorReplay state = new CursorReplay(CursorState.empty());
        try (CursorStore store = CursorStore.open(tmp, "ch", files)) {
            ev.floor(0);
            ev.fin(0, 99);
            ev.fin(200, 299);
            ev.fin(400, 400);
            ev.requeue(150, 3, 77);
            ev.delivered(500);
            store.append(ev);
            state.apply(ev.array(), 0, ev.size());
            ev.clear();
            store.snapshot(state.state());
            assertThat(store.journalBytes()).isZero();
            assertThat(Files.size(tmp.resolve("ch.journal"))).isZero();
            assertThat(store.dirty()).isFalse();
            ev.fin(100, 149);
            ev.requeue(151, 1, 0);
            store.append(ev);
            assertThat(store.journalBytes()).isEqualTo(ev.size());
        }
        try (CursorStore store = CursorStore.open(tmp, "ch", files)) {
            CursorState s = store.recovered();
            assertThat(s.ackFloor()).isEqualTo(150);
            assertThat(s.readSeq()).isEqualTo(500);
            assertThat(s.finished().getLongCardinality()).isEqualTo(101);
            assertThat(s.finished().contains(200)).isTrue();
            assertThat(s.finished().contains(299)).isTrue();
            assertThat(s.finished().contains(400)).isTrue();
            assertThat(s.pending()).containsExactly(Map.entry(150L, new Pending(3, 77)), Map.entry(151L, new Pending(1, 0)));
        }
    }

    @Test
    void aCrashBetweenSnapshotAndJournalTruncationLosesNothing() throws IOException {
        CursorEvents ev = new CursorEvents();
        ev.floor(0);
        ev.fin(0, 3);
        ev.requeue(5, 2, 9);
        ev.fin(7, 8);
        ev.delivered(10);
        byte[] journal;
        try (CursorStore store = CursorStore.open(tmp, "ch", files)) {
            store.append(ev);
            journal = Files.readAllBytes(tmp.resolve("ch.journal"));
            store.snapshot(replay(ev));
        }
        Files.write(tmp.resolve("ch.journal"), journal); // the truncation never reached the disk
        try (CursorStore store = CursorStore.open(tmp, "ch", files)) {
            CursorState s = store.recovered();
            assertThat(CursorStore.describe(s) + finished(s)).isEqualTo(CursorStore.describe(replay(ev)) + finished(replay(ev)));
        }
    }

    @Test
    void aTornJournalTailIsCutAndAppendsGoOn() throws IOException {
        CursorEvents ev = new CursorEvents();
        try (CursorStore store = CursorStore.open(tmp, "ch", files)) {
            ev.floor(0);
            ev.fin(1, 1);
            store.append(ev);
            ev.clear();
            ev.requeue(0, 1, 0);
            store.append(ev);
        }
        Path journal = tmp.resolve("ch.journal");
        FaultyFiles.truncate(journal, 3);
        try (CursorStore store = CursorStore.open(tmp, "ch", files)) {
            assertThat(store.recovered().pending()).isEmpty();
            assertThat(finished(store.recovered())).containsExactly(1L);
            assertThat(store.journalBytes()).isEqualTo(13 + 21).isEqualTo(Files.size(journal));
            ev.clear();
            ev.fin(0, 0);
            store.append(ev);
        }
        try (CursorStore store = CursorStore.open(tmp, "ch", files)) {
            assertThat(store.recovered().ackFloor()).isEqualTo(2);
        }
    }

    @Test
    void aCorruptEventCutsTheJournalThere() throws IOException {
        CursorEvents ev = new CursorEvents();
        ev.floor(0);
        ev.fin(0, 0);
        ev.fin(1, 1);
        ev.fin(2, 2);
        try (CursorStore store = CursorStore.open(tmp, "ch", files)) {
            store.append(ev);
        }
        FaultyFiles.flip(tmp.resolve("ch.journal"), 13 + 21 + 5);
        try (CursorStore store = CursorStore.open(tmp, "ch", files)) {
            assertThat(store.recovered().ackFloor()).isEqualTo(1);
            assertThat(store.journalBytes()).isEqualTo(13 + 21);
        }
    }

    @Test
    void aFailedAppendLeavesTheJournalAsItWas() throws IOException {
        CursorEvents ev = new CursorEvents();
        try (CursorStore store = CursorStore.open(tmp, "ch", files)) {
            ev.floor(0);
            store.append(ev);
            ev.clear();
            ev.fin(0, 5);
            ev.fin(7, 9);
            files.failAfterBytes(30);
            assertThatThrownBy(() -> store.append(ev)).isInstanceOf(IOException.class).hasMessage(FaultyFiles.ENOSPC);
            assertThat(store.journalBytes()).isEqualTo(13);
            assertThat(Files.size(tmp.resolve("ch.journal"))).isEqualTo(13);
            files.spaceReturns();
            store.append(ev);
        }
        try (CursorStore store = CursorStore.open(tmp, "ch", files)) {
            assertThat(store.recovered().ackFloor()).isEqualTo(6);
            assertThat(finished(store.recovered())).containsExactly(7L, 8L, 9L);
        }
    }

    @Test
    void aFailedForceStaysDirty() throws IOException {
        CursorEvents ev = new CursorEvents();
        ev.floor(1);
        try (CursorStore store = CursorStore.open(tmp, "ch", files)) {
            store.force();
            store.append(ev);
            files.failForce = true;
            assertThatThrownBy(store::force).isInstanceOf(IOException.class);
            assertThat(store.dirty()).isTrue();
            files.failForce = false;
            store.force();
            assertThat(store.dirty()).isFalse();
        }
    }

    @Test
    void aFailedSnapshotKeepsTheJournal() throws IOException {
        CursorEvents ev = new CursorEvents();
        ev.floor(3);
        try (CursorStore store = CursorStore.open(tmp, "ch", files)) {
            store.append(ev);
            files.diskFull = true;
            assertThatThrownBy(() -> store.snapshot(replay(ev))).isInstanceOf(IOException.class);
            assertThat(store.journalBytes()).isEqualTo(13);
        }
        files.spaceReturns();
        try (CursorStore store = CursorStore.open(tmp, "ch", files)) {
            assertThat(store.recovered().ackFloor()).isEqualTo(3);
        }
    }

    @Test
    void aCorruptSnapshotIsMovedAsideAndTheJournalStillReplays() throws IOException {
        CursorEvents ev = new CursorEvents();
        ev.floor(3);
        try (CursorStore store = CursorStore.open(tmp, "ch", files)) {
            store.snapshot(CursorState.at(2));
            store.append(ev);
        }
        FaultyFiles.flip(tmp.resolve("ch.snapshot"), 6);
        try (CursorStore store = CursorStore.open(tmp, "ch", files)) {
            assertThat(store.recovered().ackFloor()).isEqualTo(3);
        }
        assertThat(tmp.resolve("ch.snapshot.corrupt")).exists();
    }

    @Test
    void snapshotsStoreFinishedSeqsAsRuns() {
        Roaring64NavigableMap set = new Roaring64NavigableMap();
        set.addRange(10, 20);
        set.addLong(25);
        set.addRange(1L << 33, (1L << 33) + 3);
        assertThat(CursorSnapshot.runs(set)).containsExactly(10, 19, 25, 25, 1L << 33, (1L << 33) + 2);
        CursorState s = new CursorState(5, 30, set, new java.util.TreeMap<>(Map.of(21L, new Pending(4, 8))));
        CursorState back = CursorSnapshot.decode(CursorSnapshot.encode(s));
        assertThat(back.ackFloor()).isEqualTo(5);
        assertThat(back.readSeq()).isEqualTo(30);
        assertThat(back.finished()).isEqualTo(set);
        assertThat(back.pending()).isEqualTo(s.pending());
        byte[] bytes = CursorSnapshot.encode(s);
        for (int i = 0; i < bytes.length; i++) {
            byte[] b = bytes.clone();
            b[i] ^= 4;
            int at = i;
            assertThatThrownBy(() -> CursorSnapshot.decode(b)).as("byte %d", at).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void deleteRemovesBothFiles() throws IOException {
        CursorStore store = CursorStore.open(tmp, "ch", files);
        store.snapshot(CursorState.at(0));
        store.delete();
        assertThat(tmp.resolve("ch.journal")).doesNotExist();
        assertThat(tmp.resolve("ch.snapshot")).doesNotExist();
    }
}
