package dev.switchboard.store.ledger;

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
 * Events queue in memory; one background thread writes them in batches (idempotent on the gateway's request id)
 * at least every flush interval. A row the database refuses for its data is quarantined ({@link UsageWriter}),
 * never retried forever. While the database is unreachable, or a write has been stuck for longer than a flush
 * interval, a second thread moves what is held in memory to an append-only journal about every interval (one
 * fsync per group), and the journal is replayed when the database returns (and on the next start). So a hard kill
 * loses at most the events of about the last flush interval; a graceful close loses none.
 */
public final class UsageLedger implements UsageSink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UsageLedger.class);
    private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

    private final UsageLedgerSettings settings;
    private final UsageWriter writer;
    private final UsageJournal journal;
    private final UsageQuarantine quarantine;
    private final UsageQueries queries;
    private final ConcurrentLinkedQueue<UsageEvent> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    /** Recorded but neither in the database nor in the journal yet. */
    private final AtomicLong unwritten = new AtomicLong();
    private final AtomicLong droppedAfterClose = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final Thread thread;
    private final Thread spiller;
    /** When the writer's current database attempt began (System.nanoTime), 0 when it is not in one. */
    private volatile long attemptStarted;
    /** A copy of the batch the writer is attempting; the spiller journals it too when the attempt is stuck. */
    private volatile List<UsageEvent> inFlight = List.of();
    /** The spiller journaled {@link #inFlight} (guarded by the journal's lock). */
    private boolean inFlightJournaled;
    private volatile boolean journalHasData;
    private volatile boolean flushRequested;
    private volatile boolean stopping;
    private volatile boolean databaseDown;
    /** Logs a journal write failure once per run of failures, not every interval. */
    private volatile boolean spillFailing;

    /** Use {@link dev.switchboard.store.Store#usageLedger}, which also closes the ledger with the store. */
    public UsageLedger(DataSource dataSource, UsageQueries queries, UsageLedgerSettings settings) {
        this.settings = settings;
        this.quarantine = new UsageQuarantine(settings.journalFile());
        this.writer = new UsageWriter(dataSource, quarantine);
        this.journal = new UsageJournal(settings.journalFile(), quarantine);
        this.queries = queries;
        this.journalHasData = journal.hasData();
        this.thread = Thread.ofPlatform().name("switchboard-usage-writer").daemon(true).unstarted(this::run);
        this.spiller = Thread.ofPlatform().name("switchboard-usage-spill").daemon(true).unstarted(this::spillWhileStuck);
        thread.start();
        spiller.start();
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

    /** Events currently held in memory (while the database is down: what arrived in the last flush interval). */
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

    /** Rows the database refused for their data, moved to {@link #quarantineFile()} instead. */
    public long quarantined() {
        return quarantine.count();
    }

    public java.nio.file.Path quarantineFile() {
        return quarantine.file();
    }

    /** Aggregated usage; the same as {@link dev.switchboard.store.Store#usage()}. */
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
            LockSupport.unpark(spiller);
            spiller.join(CLOSE_WAIT.toMillis() / 10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (droppedAfterClose.get() > 0) {
            LOG.warn("{} usage events were recorded after the ledger closed and were not kept", droppedAfterClose.get());
        }
    }

    private void run() {
        // load the JSON encoder now, not during the first outage (class loading can take a second)
        UsageEventJson.toLine(new UsageEvent(Instant.EPOCH, "warm-up", null, null, null, null, null, false, 0,
                null, false, 0, 0));
        List<UsageEvent> batch = new ArrayList<>(settings.batchSize());
        long interval = settings.flushInterval().toNanos();
        long backoff = 0;
        long retryAt = 0;
        long batchStarted = System.nanoTime();
        while (true) {
            boolean wasEmpty = batch.isEmpty();
            drain(batch, settings.batchSize());
            if (wasEmpty && !batch.isEmpty()) {
                batchStarted = System.nanoTime();
            }
            if (databaseDown || unwritten.get() > settings.highWaterMark()) {
                spill(batch); // while the database is out of reach, what arrived waits on disk, not in memory
            }
            boolean nothing = batch.isEmpty() && !journalHasData;
            if (nothing && stopping && queue.isEmpty()) {
                return;
            }
            if (stopping && databaseDown && batch.isEmpty() && queue.isEmpty()) {
                return; // all on disk; the next start replays it
            }
            long now = System.nanoTime();
            long wait;
            if (nothing) {
                wait = interval;
            } else if (databaseDown && !stopping) {
                wait = retryAt - now; // the next retry; meanwhile arrivals spill every interval
                wait = wait > 0 ? Math.min(wait, interval) : 0;
            } else {
                boolean partial = batch.size() < settings.batchSize() && !journalHasData;
                long waited = now - batchStarted;
                wait = partial && !stopping && !flushRequested && waited < interval ? interval - waited : 0;
            }
            if (wait > 0) {
                LockSupport.parkNanos(wait);
                continue;
            }
            inFlight = batch.isEmpty() ? List.of() : List.copyOf(batch);
            attemptStarted = Math.max(1, System.nanoTime());
            try {
                if (journalHasData) {
                    long replayed = journal.replay(settings.batchSize(), writer::write);
                    synchronized (journal) {
                        journalHasData = journal.hasData(); // the spiller may have added more meanwhile
                    }
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
                    LOG.warn("usage database unreachable, journaling events and retrying: {}", e.toString());
                    databaseDown = true;
                }
                synchronized (journal) {
                    journalHasData = journal.hasData();
                    if (inFlightJournaled) { // the spiller already put this batch in the journal
                        unwritten.addAndGet(-batch.size());
                        batch.clear();
                    }
                }
                spill(batch);
                if (stopping && batch.isEmpty()) {
                    continue; // drains and spills what is left, then ends
                }
                backoff = backoff == 0 ? FIRST_BACKOFF_NANOS : Math.min(backoff * 2, settings.maxBackoff().toNanos());
                retryAt = System.nanoTime() + backoff;
                if (stopping) {
                    LockSupport.parkNanos(backoff); // the journal cannot be written: retry the database until close gives up
                }
            } finally {
                attemptStarted = 0;
                synchronized (journal) {
                    inFlight = List.of();
                    inFlightJournaled = false;
                }
            }
        }
    }

    /**
     * Runs beside the writer: whenever the database is down, or the writer's attempt has been stuck for longer than
     * a flush interval (waiting for a connection, a hung statement), what waits in the queue goes to the journal,
     * so a hard kill during an outage loses at most about one interval of events.
     */
    private void spillWhileStuck() {
        long interval = settings.flushInterval().toNanos();
        while (!(stopping && !thread.isAlive())) {
            LockSupport.parkNanos(interval);
            long started = attemptStarted;
            boolean stuck = started != 0 && System.nanoTime() - started > interval;
            if (stuck) {
                journalInFlight();
            }
            if ((databaseDown || stuck) && !queue.isEmpty()) {
                List<UsageEvent> held = new ArrayList<>();
                drain(held, Integer.MAX_VALUE);
                spill(held);
                for (UsageEvent e : held) { // the journal cannot be written: back to the queue
                    queue.add(e);
                    queued.incrementAndGet();
                }
            }
        }
    }

    /** Copies the stuck batch to the journal; should its write still succeed, the replay finds the rows present. */
    private void journalInFlight() {
        synchronized (journal) {
            List<UsageEvent> batch = inFlight;
            if (inFlightJournaled || batch.isEmpty() || attemptStarted == 0) {
                return;
            }
            try {
                journal.append(batch);
                journalHasData = true;
                inFlightJournaled = true;
            } catch (Exception e) {
                // it stays in memory; the writer spills it if the attempt fails
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
            synchronized (journal) {
                journal.append(batch);
                journalHasData = true;
            }
            unwritten.addAndGet(-batch.size());
            LOG.debug("spilled {} usage events to journal {}", batch.size(), journal.file());
            batch.clear();
        } catch (Exception e) {
            if (!spillFailing) {
                LOG.error("cannot spill usage events to journal {}, keeping them in memory: {}", journal.file(),
                        e.toString());
            }
            spillFailing = true;
            return;
        }
        spillFailing = false;
    }
}
