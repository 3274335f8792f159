/**
 * The daemon's message storage (storage.md): one append-only segmented log per topic, and channels
 * as cursors over it. Everything here is blocking file IO owned by a shard's disk lane.
 * <pre>
 * &lt;data-path&gt;/topics/&lt;topic&gt;/log/&lt;20-digit seq&gt;.seg        {@link io.nodeq.daemon.log.TopicLog}: {@link io.nodeq.daemon.log.LogRecord}s (then zeros, in a durable topic's last segment)
 * &lt;data-path&gt;/topics/&lt;topic&gt;/channels/&lt;channel&gt;.journal  {@link io.nodeq.daemon.log.CursorStore}: {@link io.nodeq.daemon.log.CursorEvents}
 * &lt;data-path&gt;/topics/&lt;topic&gt;/channels/&lt;channel&gt;.snapshot           the cursor state at the last snapshot
 * &lt;data-path&gt;/imported-diskqueue/                           go-diskqueue files once {@link io.nodeq.daemon.log.LegacyImport}ed
 * </pre>
 * Every file operation goes through {@link io.nodeq.daemon.log.FileLayer}, so tests can make the
 * disk fail (full, erroring, tearing or flipping bytes).
 */
package io.nodeq.daemon.log;
