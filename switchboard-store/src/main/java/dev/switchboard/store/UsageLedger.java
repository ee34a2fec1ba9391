package dev.switchboard.store;

import dev.switchboard.usage.UsageEvent;
import dev.switchboard.usage.UsageSink;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Persists usage events without ever blocking or throwing in {@link #record}, which runs on the event loop.
 * Events queue in memory; one background thread writes them in batches (idempotent on request id). While the
 * database is unreachable it retries with backoff, and once the backlog passes the high-water mark it spills
 * to an append-only journal that is replayed when the database returns (and on the next start), so nothing
 * recorded is lost.
 */
public final class UsageLedger implements UsageSink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UsageLedger.class);
    private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

    private final UsageLedgerSettings settings;
    private final UsageWriter writer;
    private final UsageJournal journal;
    private final UsageQueries queries;
    private final ConcurrentLinkedQueue<UsageEvent> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    /** Recorded but neither in the database nor in the journal yet. */
    private final AtomicLong unwritten = new AtomicLong();
    private final AtomicLong droppedAfterClose = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final Thread thread;
    private volatile boolean journalHasData;
    private volatile boolean flushRequested;
    private volatile boolean stopping;
    private volatile boolean databaseDown;

    UsageLedger(DataSource dataSource, UsageQueries queries, UsageLedgerSettings settings) {
        this.settings = settings;
        this.writer = new UsageWriter(dataSource);
        this.journal = new UsageJournal(settings.journalFile());
        this.queries = queries;
        this.journalHasData = journal.hasData();
        this.thread = Thread.ofPlatform().name("switchboard-usage-writer").daemon(true).unstarted(this::run);
        thread.start();
    }

    @Override
    public void record(UsageEvent event) {
        try {
            if (event == null || event.requestId() == null || event.at() == null) {
                // the row could never be inserted and would block its whole batch
                rejected.incrementAndGet();
                return;
            }
            if (stopping && !thread.isAlive()) {
                droppedAfterClose.incrementAndGet();
                return;
            }
            queue.add(event);
            unwritten.incrementAndGet();
            int n = queued.incrementAndGet();
            if (n == settings.batchSize() || n > settings.highWaterMark()) {
                LockSupport.unpark(thread);
            }
        } catch (Throwable t) {
            // must never throw on the event loop
        }
    }

    /**
     * Waits until everything recorded so far is in the database (journal included), or the timeout passes.
     * Blocking: call from a worker thread or at shutdown.
     *
     * @return true when all was written
     */
    public boolean flush(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pending() > 0) {
            if (System.nanoTime() - deadline > 0 || !thread.isAlive()) {
                return false;
            }
            flushRequested = true;
            LockSupport.unpark(thread);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        return true;
    }

    /** Events not yet in the database: in memory, or spilled to the journal (counted as at least one). */
    public long pending() {
        return unwritten.get() + (journalHasData ? 1 : 0);
    }

    /** Events currently held in memory (bounded by the high-water mark while the database is down). */
    public long inMemory() {
        return unwritten.get();
    }

    public boolean databaseDown() {
        return databaseDown;
    }

    /** Events refused by {@link #record} because they lack a request id or a time. */
    public long rejected() {
        return rejected.get();
    }

    /** Aggregated usage; the same as {@link Store#usage()}. */
    public UsageReport usage(Instant from, Instant to, UsageGroupBy groupBy) {
        return queries.usage(from, to, groupBy);
    }

    /** Writes what it can; whatever the database does not take in time goes to the journal. */
    @Override
    public void close() {
        stopping = true;
        LockSupport.unpark(thread);
        try {
            thread.join(CLOSE_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (droppedAfterClose.get() > 0) {
            LOG.warn("{} usage events were recorded after the ledger closed and were not kept", droppedAfterClose.get());
        }
    }

    private void run() {
        List<UsageEvent> batch = new ArrayList<>(settings.batchSize());
        long backoff = 0;
        long batchStarted = System.nanoTime();
        while (true) {
            boolean wasEmpty = batch.isEmpty();
            drain(batch, settings.batchSize());
            if (wasEmpty && !batch.isEmpty()) {
                batchStarted = System.nanoTime();
            }
            if (backoff > 0 && unwritten.get() > settings.highWaterMark()) {
                spill(batch);
            }
            boolean nothing = batch.isEmpty() && !journalHasData;
            if (nothing && stopping && queue.isEmpty()) {
                return;
            }
            boolean partial = batch.size() < settings.batchSize() && !journalHasData;
            long waited = System.nanoTime() - batchStarted;
            if (nothing || (partial && !stopping && !flushRequested && waited < settings.flushInterval().toNanos())) {
                LockSupport.parkNanos(nothing ? settings.flushInterval().toNanos()
                        : settings.flushInterval().toNanos() - waited);
                continue;
            }
            try {
                if (journalHasData) {
                    long replayed = journal.replay(settings.batchSize(), writer::write);
                    journalHasData = false;
                    LOG.info("replayed {} usage events from journal {}", replayed, journal.file());
                }
                writer.write(batch);
                unwritten.addAndGet(-batch.size());
                batch.clear();
                flushRequested = false;
                if (databaseDown) {
                    LOG.info("usage database reachable again");
                    databaseDown = false;
                }
                backoff = 0;
            } catch (Exception e) {
                if (!databaseDown) {
                    LOG.warn("usage database unreachable, keeping events and retrying: {}", e.toString());
                    databaseDown = true;
                }
                if (stopping) {
                    drain(batch, Integer.MAX_VALUE);
                    spill(batch);
                    if (batch.isEmpty()) {
                        return;
                    }
                }
                backoff = backoff == 0 ? FIRST_BACKOFF_NANOS : Math.min(backoff * 2, settings.maxBackoff().toNanos());
                LockSupport.parkNanos(backoff);
            }
        }
    }

    private void drain(List<UsageEvent> batch, int max) {
        UsageEvent e;
        while (batch.size() < max && (e = queue.poll()) != null) {
            batch.add(e);
            queued.decrementAndGet();
        }
    }

    /** Moves everything held in memory to the journal; on a disk error keeps it in memory. */
    private void spill(List<UsageEvent> batch) {
        drain(batch, Integer.MAX_VALUE);
        if (batch.isEmpty()) {
            return;
        }
        try {
            journal.append(batch);
            journalHasData = true;
            unwritten.addAndGet(-batch.size());
            LOG.warn("spilled {} usage events to journal {}", batch.size(), journal.file());
            batch.clear();
        } catch (Exception e) {
            LOG.error("cannot spill usage events to journal {}: {}", journal.file(), e.toString());
        }
    }
}
