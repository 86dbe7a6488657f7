"""The contracts of zcron: read this module as its API reference.

Data flows one way: a crontab is saved -> ``IModifiedCrontabEvent`` ->
``ICrontabSynchronisationEvent`` -> the crontab manager puts jobs in the
queue -> a worker claims a due job, queueing the cron's next job in the same
transaction -> ``IStartedCronJobEvent`` -> the job runner runs -> its writes
and its log entry are committed together (one outcome) ->
``IFinishedCronJobEvent``.

Every component below is looked up by the ZCA, so a host swaps one by
registering its own under the same name (see ``configure.zcml``).
"""
from zope.interface import Attribute, Interface
from zope.interface.interfaces import IObjectEvent

# -- statuses ---------------------------------------------------------------

OK = "OK"
WARN = "WARN"
FAILURE = "FAILURE"
NOTRUN = "NOTRUN"
STATUSES = (OK, WARN, FAILURE, NOTRUN)

# -- policies ----------------------------------------------------------------

MISSED_POLICIES = ("skip", "once", "all")
OVERLAP_POLICIES = ("skip", "queue-one", "allow")


# -- the model ---------------------------------------------------------------

class ICronSite(Interface):
    """A tenant: it owns exactly one crontab.

    A host may make any object of its own provide this (a Plone site, a
    Pyramid root); zcron ships ``zcron.model.CronSite`` stored in the ZODB
    root for hosts that have nothing of the kind.
    """

    name = Attribute("Unique name of the site, used in the queue and CLI.")
    registry = Attribute(
        "Name of the IRegistryManager adapter keeping this site's crontab "
        "('zodb' by default, 'json' for a read-only JSON file).")
    registry_options = Attribute(
        "Dict of options for the registry manager (e.g. {'path': ...}).")
    crontab = Attribute(
        "The ICrontab of the site as stored by the 'zodb' registry "
        "(None before the first save). Use the registry manager to read it.")
    __parent__ = Attribute(
        "zcron's IZcronRoot holding the site: the queue of its jobs is found there.")


class IZcronRoot(Interface):
    """The container zcron keeps in the ZODB root (``root['zcron']``): the
    queue manager and the marker adapt it."""

    sites = Attribute("Mapping of site name -> ICronSite.")
    components = Attribute("Mapping of component name -> that component's data.")

    def add_site(site):
        """Add an ICronSite under its name; InvalidInput if the name is taken."""

    def get_site(name):
        """The site ``name``; UnknownSite if there is none."""

    def remove_site(name):
        """Take the site ``name`` out and return it (its queue entries are
        the synchroniser's: see ``zcron.sync.remove_site``)."""

    def component_data(key, factory):
        """The persistent data kept for one component under ``key``,
        made with ``factory()`` on first use."""


class IPeriodicity(Interface):
    """When a cron fires: stateless, handed ``after`` instead of a clock.

    Built by an ``IPeriodicityKind`` from a schedule text; get one with
    ``zcron.periodicity.get_periodicity(text, timezone)``.
    """

    kind = Attribute(
        "Name of the kind of periodicity (its IPeriodicityKind), e.g. 'cron'.")
    finite = Attribute(
        "True when its fire times may run out (a one-off); False promises a "
        "next fire time after any instant, so a cron need not read its logs "
        "to know it is not done.")
    expression = Attribute(
        "The schedule text as the user gave it, its blanks normalised.")
    timezone = Attribute("IANA time zone name in which it is evaluated.")

    def next_fire_time(after):
        """First fire time strictly after the aware datetime ``after``.

        Returned timezone-aware in the periodicity's zone; None if it never
        fires again.
        """

    def fire_times(after, n=None, until=None):
        """Iterate fire times after ``after``: at most ``n``, up to ``until``."""

    def describe():
        """The periodicity in plain words: 'every 5 minutes'."""


class IPeriodicityKind(Interface):
    """A kind of schedule text (cron expressions, intervals, ...): tells its
    texts apart and reads them into IPeriodicity.

    Registered as a named utility whose name is the kind (the ``kind`` of
    the periodicities it builds), e.g. 'cron' in zcron's ``configure.zcml``;
    in the global registry, as a stored text must be read alike in every
    thread and site. Registering one under a new name adds a kind; under an
    existing name, it replaces that kind.

    How a text finds its kind (``zcron.periodicity.kind_for``): the kinds
    available are zcron's built-in ones ('cron', 'interval', 'once', ...),
    each replaced by the kind registered under its name, plus every other
    registered kind; so an empty registry still reads them. They are asked
    ``recognises(text)`` in the order of their names, the fallback kind
    'cron' last, and the first that recognises the text reads it. A text
    no kind recognises is read by the cron kind, whose error then says what
    is wrong with it as a cron expression -- unless its leading word is one
    of some kind's ``words``: it is then an unknown form of those kinds, and
    InvalidInput lists their examples. A kind thus recognises its texts
    by its own leading words ('every', 'once', 'weekly', ...), whatever
    their case, and leaves all other texts alone: no kind, the cron kind
    included, needs to know of the others.
    """

    title = Attribute("What its texts are, in plain words: 'cron expression'.")
    example = Attribute("A text of this kind, e.g. '*/5 * * * *'.")

    def recognises(text):
        """True if ``text`` is of this kind, judged from its leading words.

        Cheap (no parsing), and never raises: False for a text that is not
        a string.
        """

    def periodicity(text, timezone="UTC"):
        """The IPeriodicity of ``text`` read in the IANA zone ``timezone``.

        Raises InvalidInput naming the field and the value for a bad text
        (the cron kind: InvalidCronExpression, "invalid cron expression
        '61 * * * *': the minute field '61' has a value outside 0-59"; a new
        kind names the field 'periodicity'), and UnknownTimezone for a bad
        zone.
        """


class ILog(Interface):
    """One entry of a cron's log: a run, or a fire time that did not run."""

    date = Attribute("When the entry was written: aware datetime in UTC.")
    status = Attribute("One of OK, WARN, FAILURE, NOTRUN.")
    messages = Attribute("List of strings.")
    fire_time = Attribute("The scheduled fire time (aware, UTC) or None.")
    duration = Attribute("Seconds the run took (float) or None.")
    execution_id = Attribute("Unique id of the run: an idempotency key.")
    traceback = Attribute("For FAILURE: the traceback text, bounded in size.")
    output = Attribute("What a runner's zcron.Result gave as output (managers "
                       "only), bounded in size, or None.")
    attempt = Attribute("Which attempt of its fire time the run was, from 1.")
    attempts = Attribute("How many attempts the cron's retries allowed it (1: none).")
    backfill = Attribute("True for a run of ``zcron backfill``.")
    due = Attribute("A retry's own due time (aware, UTC); None: its fire time's.")
    lateness = Attribute("Seconds from its due time (a retry's own) to ``date``.")

    def dump():
        """A JSON-serialisable dict."""


class ICron(Interface):
    """A job definition: which runner, when, with which arguments."""

    uid = Attribute("32 hex characters, unique in its crontab.")
    __parent__ = Attribute("The ICrontab holding it, None until it is added.")
    name = Attribute("Name of the IJobRunner adapter to run.")
    user = Attribute("Kept for collective.cron compatibility; may be ''.")
    activated = Attribute("False: the cron has no runs.")
    periodicity = Attribute(
        "The schedule text (str) of any registered kind, e.g. a cron expression.")
    timezone = Attribute("IANA time zone of the expression, default 'UTC'.")
    environ = Attribute("JSON-serialisable dict handed to the runner.")
    logs_limit = Attribute("How many log entries are kept.")
    logs = Attribute("The log entries, newest first (a sequence of ILog).")
    missed = Attribute("Missed-run policy: 'skip', 'once' (default) or 'all'.")
    catchup_window = Attribute(
        "With missed='all': seconds back from now within which missed fire "
        "times are still run; older ones are logged NOTRUN.")
    overlap = Attribute(
        "Overlap policy: 'skip' (default), 'queue-one' or 'allow'.")
    timeout = Attribute("Seconds after which a run is failed, or None.")
    warn_after = Attribute("Seconds after which a run logs WARN, or None.")
    retries = Attribute("How many times a FAILURE is retried (default 0).")
    retry_backoff = Attribute("Seconds before the first retry; doubles.")
    jitter = Attribute(
        "Up to this many seconds added to each fire time, the same offset "
        "for a cron every time (derived from its uid).")
    retry_interrupted = Attribute(
        "True when the runner is safe to run again after a lost worker.")
    paused_until = Attribute(
        "None, or an aware datetime before which the cron has no runs; "
        "zcron.model.FOREVER pauses until resumed.")
    pause_note = Attribute("Why the cron is paused ('' if not).")
    start = Attribute("None, or an aware datetime: no fire time before it.")
    end = Attribute("None, or an aware datetime: no fire time after it.")
    max_runs = Attribute(
        "None, or a whole number >= 1: the cron is done after that many "
        "logged runs (NOTRUN entries not counted).")
    exclude = Attribute("Names of its crontab's ICalendars whose fire times it skips.")
    declared = Attribute("The identity ('origin:name') of the declaration keeping "
                         "it in step (zcron.declared), '' for a cron made by hand.")
    pause_after_failures = Attribute(
        "None, or N >= 1: the cron pauses itself after N FAILUREs in a row "
        "(retries exhausted); resuming counts again from 0.")
    runs = Attribute("How many runs it logged ever (NOTRUN aside), retention aside.")
    paused = Attribute("True when a pause is set, over or not (see paused_at).")
    switched_on = Attribute(
        "True when the cron's own switch and its crontab's are on: it has a schedule.")
    log_counts = Attribute("Dict status -> how many entries ever, retention aside.")
    last_run = Attribute("Date of the newest log entry, or None.")
    last_status = Attribute("Status of the newest log entry, or None.")

    def edit(**changes):
        """Change fields at once; all are checked (InvalidInput) before any is set."""

    def pause(until=None, note=""):
        """No runs before ``until`` (an aware datetime; None: until resumed)."""

    def resume():
        """Lift the pause."""

    def paused_at(now):
        """True while a pause that is not over at ``now`` holds the cron."""

    def runnable(now, retry=False):
        """May a run of this cron start at ``now``? Every part of zcron asks
        this (workers, CLI, dashboard). Retries may run while paused."""

    def state(now):
        """'off' (its own switch), 'done' (see done), 'paused' (a pause
        holding at ``now``) or 'on'."""

    def done(now):
        """True when it reached ``max_runs``, or its schedule (bounds and
        calendars applied) has no fire time after its last logged run."""

    def calendars():
        """The ICalendars named by ``exclude`` (those its crontab has)."""

    def get_periodicity():
        """The IPeriodicity for ``periodicity`` in ``timezone``."""

    def next_fire_time(after):
        """Next fire time strictly after ``after``, bounds and calendars
        applied (jitter and pause not); None when there is none."""

    def jitter_offset():
        """Seconds (float) added to every fire time of this cron."""

    def last_log():
        """The newest ILog, or None."""

    has_log_record = Attribute(
        "Whether the cron's log has a record of its own yet (see log_record).")

    def log_record():
        """The persistent record holding the cron's log, created at first
        need (that writes the cron's own record once). Recording a run
        afterwards writes this record only."""

    def add_log(log, summarised=True):
        """Record a log entry, applying retention (``logs_limit``, and
        ``keep_ok_for`` / ``keep_failures_for`` by age; the newest FAILURE
        is kept even when pushed out of either). ``summarised=False``
        leaves the crontab's summary of its crons' last runs as it is: a
        NOTRUN logged just before the entry of its cron's run, which will
        be the last."""

    def clear_logs():
        """Forget every log entry."""

    def dump(with_logs=True):
        """A JSON-serialisable dict (collective.cron's keys plus ours)."""


class ICrontab(Interface):
    """The crons of one site, in insertion order, with a global switch."""

    activated = Attribute("Global switch: False and no cron runs.")
    read_only = Attribute("True: save() does nothing and fires nothing.")
    site = Attribute("Name of the site owning this crontab.")
    __parent__ = Attribute("The ICronSite owning it (set by its registry manager).")

    def add_cron(cron):
        """Add an ICron; DuplicateUid if its uid is taken. Returns it."""

    def remove_cron(uid):
        """Remove the cron ``uid``; UnknownCron if missing."""

    def get(uid):
        """The cron ``uid``; UnknownCron (a LookupError) if missing."""

    def find(name=None, activated=None, periodicity=None):
        """Crons matching every filter given (no filter: all), in order."""

    def resolve(ref):
        """The cron whose uid, unique name or unique uid prefix is ``ref``
        (the command line's, the dashboard's and completion's one rule)."""

    def uids_starting(prefix, limit=None):
        """Uids beginning with ``prefix`` (any case), in uid order, at most
        ``limit``: only that key range of the uid index is read."""

    def names_starting(prefix, limit=None):
        """(name, first uid) of the names beginning with ``prefix``, in name
        order, at most ``limit``: only that range of the name index is read."""

    def __iter__():
        """Crons in insertion order."""

    def uids():
        """Uids in insertion order, read without loading a cron."""

    def numbered_uids(start=0):
        """(insertion number, uid) pairs in insertion order from the number
        ``start`` on, read like uids(): numbers are never reused, so a
        restart resumes from one in each of its transactions."""

    def uids_after(uid=""):
        """Uids in uid order after ``uid`` (all from ""), read like uids():
        a full re-read reads the crons' tree in its own order."""

    def by_name(reverse=False):
        """(name, uid) pairs in name order (then uid), from the name index:
        no cron is loaded (the dashboard pages 100,000 crons with it)."""

    def names():
        """(name, its uids) of each name in name order: the name index's
        own groups (not to change), so that a name filter counts and sets
        its matches in C calls."""

    def __len__():
        """Number of crons."""

    def __contains__(uid):
        """True if a cron has this uid."""

    def save():
        """Write the crontab through its registry manager and fire
        IModifiedCrontabEvent (nothing when read-only)."""

    def save_cron(cron):
        """Like save(), for one cron only: the synchroniser touches only
        that cron's job."""

    def save_crons(crons):
        """save_cron() for many crons (or uids) at once: a bulk add's jobs
        queued in one pass."""

    def dump(with_logs=True):
        """{'site': ..., 'activated': ..., 'calendars': [calendar dumps],
        'crons': [cron dumps]}."""

    def calendars():
        """Its ICalendars, by name."""

    def get_calendar(name):
        """The ICalendar ``name``; InvalidInput naming it if missing."""

    def set_calendar(calendar):
        """Add or replace an ICalendar. Save with ``save_calendar``."""

    def remove_calendar(name):
        """Remove a calendar no cron skips (else InvalidInput naming them)."""

    def users_of(name):
        """The crons whose ``exclude`` names the calendar ``name``."""

    def save_calendar(name):
        """Save after a calendar change: the crons using it are
        synchronised (their job signatures carry the calendar's digest)."""


class ICalendar(Interface):
    """A named, reusable set of exclusion rules of a site (Quartz's and
    Temporal's calendars): fire times it covers are not run, not logged."""

    name = Attribute("Its name, unique in its crontab.")
    dates = Attribute("Texts 'YYYY-MM-DD': whole days, on the cron's wall clock.")
    ranges = Attribute("Texts 'YYYY-MM-DD..YYYY-MM-DD': both ends included.")
    yearly = Attribute("Texts 'MM-DD': that day every year.")
    blackouts = Attribute(
        "Texts 'SCHEDULE for DURATION' (a schedule text of any kind): fire "
        "times in [a fire time of SCHEDULE, it + DURATION) are excluded.")

    def resume_at(fire, zone):
        """None if ``fire`` is not excluded, else the instant its exclusion ends."""

    def digest():
        """A short text that changes whenever a rule does."""

    def dump():
        """A JSON-serialisable dict: name and the rule lists."""


# -- components ----------------------------------------------------------------

class IRegistryManager(Interface):
    """Keeps a site's crontab. Named adapter of ICronSite."""

    read_only = Attribute("True if this registry cannot write.")

    def load():
        """The site's ICrontab (an empty one if it has none yet)."""

    def save(crontab, crons=None):
        """Persist the crontab (or only ``crons`` of it, when given)."""


class IQueueManager(Interface):
    """Where jobs wait for their due time, and are claimed by workers.

    A job is a reference -- (site, cron uid, fire time, kind) -- never a
    pickled cron. Named adapter of zcron's root container. Every method works
    inside the caller's transaction; workers commit, and two workers
    claiming one job conflict at commit so that exactly one wins.
    """

    def put(job):
        """Queue an IJob (a job already queued stays as it is)."""

    def remove(job):
        """Remove a pending job; False if it was not pending."""

    def pending(site, uid, kind=None):
        """The pending jobs of one cron (of one kind, if given), soonest
        first."""

    def site_pending(site):
        """Every pending job of a site."""

    def site_crons(site):
        """The set of uids of the crons of a site having pending jobs."""

    def site_crons_after(site, after, count):
        """Up to ``count`` of those uids in uid order, after the uid
        ``after`` ("": from the first): a long walk in bounded steps."""

    def site_latest(site):
        """A site's crons having pending jobs by the due time of their
        soonest job, the latest first: an iterable of (due time in µs, set
        of uids) groups, each cron in one, read lazily from the end of the
        due order (a listing's latest-first page reads its own groups
        only), with ``crons``, the set of every uid it gives, known before
        the first group (where the crons without a job go)."""

    def site_soonest(site):
        """The same groups soonest first, read lazily from the start of the
        due order, a cron in the first group it has a job in (a listing's
        filtered soonest-first page reads up to its own groups)."""

    def forget(site, uid):
        """Remove every pending and held job of one cron; returns how many."""

    def clear_site(site):
        """Remove every pending and held job of a site; returns how many.
        Claims stay: runs in progress end as usual."""

    def due(now, limit=None, worker=None, grace=None):
        """Pending jobs due at ``now``, soonest first, the share of worker
        id ``worker`` first so that workers spread out; with ``grace`` (a
        timedelta), jobs of other workers' shares only when due by
        ``now - grace``, so that a share's owner has the first chance."""

    def next_due(worker=None, grace=None):
        """Due time (aware UTC) of the soonest pending job, or None; for
        ``worker`` with ``grace``, others' jobs count ``grace`` later (when
        ``due`` would first give them to it)."""

    def __len__():
        """Number of pending jobs."""

    def sites():
        """Names of sites having pending or claimed jobs."""

    def claim(job, worker, now, execution_id=None, notes=(), missed=()):
        """Take ``job`` out of the pending jobs and return its new claim
        (see ``zcron.queue.Claim``) for worker id ``worker``, under
        ``execution_id`` (a new one when not given), carrying ``notes``
        for the run's entry and ``missed``, (fire time µs, messages)
        pairs for NOTRUN entries logged when the claim ends."""

    def get_claim(job):
        """The claim of ``job``, or None."""

    def complete(job):
        """Forget a claim once its outcome is recorded."""

    def claimed(site=None, uid=None):
        """Claims, optionally of one site or one cron."""

    def running(site, uid):
        """Claims of one cron not completed yet (a run that ended but whose
        claim is not completed is known by its log entry)."""

    def hold(job):
        """Keep ``job`` until its cron's running job ends (overlap policy
        'queue-one'); False if a job is already held for that cron."""

    def release_held(site, uid):
        """Take the held job of a cron out (None if there is none)."""

    def held():
        """Every held job."""

    def register_worker(worker_id, now, lease, concurrency=1, host=None, pid=None):
        """Record a live worker with a lease of ``lease`` seconds from
        ``now`` (host and pid default to the calling process's); returns
        its IWorkerInfo."""

    def renew_worker(worker_id, now, lease):
        """Extend a worker's lease to now + lease seconds; None if unknown."""

    def stop_worker(worker_id):
        """Mark a worker as stopping (it claims no more and finishes its
        runs); returns its IWorkerInfo, None if unknown."""

    def unregister_worker(worker_id):
        """Forget a worker."""

    def workers():
        """Registered workers (IWorkerInfo), live or lost."""


class IJob(Interface):
    """A reference to one due run of one cron."""

    site = Attribute("Site name.")
    uid = Attribute("Cron uid.")
    fire_time = Attribute("Scheduled fire time, aware UTC (no jitter).")
    due = Attribute("When it may run: fire_time plus jitter or backoff.")
    kind = Attribute("'schedule', 'manual' (run now) or 'retry'.")
    attempt = Attribute("0 for a first run, n for the n-th retry.")
    signature = Attribute(
        "What its cron's manager computed it from (text), or None; a change "
        "of the cron's makes the synchroniser move it.")
    fire_us = Attribute("fire_time as whole microseconds since the epoch.")
    due_us = Attribute("due as whole microseconds since the epoch.")
    key = Attribute("Its identity in the pending queue, ordered by due time.")
    claim_key = Attribute("Its identity once claimed, whatever its due time.")

    def replace(**changes):
        """A copy with some attributes changed (jobs are immutable)."""


class IWorkerInfo(Interface):
    """A worker as the queue sees it."""

    id = Attribute("Unique id: host:pid:random.")
    host = Attribute("Host name.")
    pid = Attribute("Process id.")
    started = Attribute("Aware UTC datetime.")
    lease_until = Attribute("Aware UTC datetime; past it the worker is lost.")
    concurrency = Attribute("How many runs it may have going at once.")
    stopping = Attribute("True once it stops cleanly: it finishes its runs.")

    def alive(now):
        """True while its lease holds at ``now``."""


class IQueueMarker(Interface):
    """Remembers which sites have crontabs, so that a restarting worker can
    re-register every site's jobs (collective.cron's 'queue marker')."""

    def mark(site):
        """Remember that ``site`` (a name) has a crontab."""

    def unmark(site):
        """Forget a site."""

    def stamp(site):
        """The stamp recorded by ``set_stamp`` for a site, or None."""

    def set_stamp(site, stamp):
        """Record what a site's crontab was like (an opaque value) when its
        jobs were last fully synchronised, so a restart can skip it
        unchanged."""

    def sites():
        """Names of marked sites, sorted."""


class ICrontabManager(Interface):
    """Makes the queue match one crontab. Adapter of (ICronSite, ICrontab)."""

    def synchronize(crons=None, now=None):
        """One pending job per active cron at its next fire time; none for
        inactive or removed crons, nor for any cron of an inactive crontab.
        With ``crons`` (uids), only those crons are looked at. Returns the
        number of queue changes."""


class ICronManager(Interface):
    """Manages the jobs of one cron. Adapter of (ICronSite, ICron)."""

    def register_job(now=None):
        """Ensure exactly one pending scheduled job at the next fire time;
        keep an existing one whose signature still matches."""

    def remove_jobs():
        """Remove every pending job of the cron."""

    def schedule_after(after):
        """The cron's scheduled job for its first fire time after ``after``
        (or after its pause), None when it never fires; queues nothing.
        The worker asks it for a cron's next job after a claim."""

    def run_now(now=None):
        """Queue a manual run due now (subject to the overlap policy)."""


class IDeclarationSource(Interface):
    """Where declared jobs come from (entry points, decorators, ZCML,
    scheduler.ini): a named utility, one per kind of source. zcron keeps
    one cron per declaration on each site the declaration names."""

    def declarations():
        """The ``zcron.declared.Declaration`` values this source holds now."""


class IJobRunner(Interface):
    """Runs a cron. Named adapter of (ICronSite, ICron); the name is the
    cron's ``name``. Subclass ``zcron.Runner`` and register it in ZCML."""

    site = Attribute("The ICronSite.")
    cron = Attribute("The ICron (read it; it is not yours to change).")
    environ = Attribute("The cron's environ (dict), as keyword arguments.")
    fire_time = Attribute("Scheduled fire time of this run (aware UTC).")
    window = Attribute(
        "(start, end): from the previous fire time to this one, so a runner "
        "can process exactly the data of its period.")
    execution_id = Attribute("Unique id of this run: an idempotency key.")

    def run():
        """Do the work. Return None: OK; return text: WARN with that
        message; raise: FAILURE with the traceback."""


# -- host run environments (the zope extra) ---------------------------------

class IRunEnvironment(Interface):
    """Where a host prepares each run: an optional utility (the ``zope``
    extra registers one) that the worker asks for around every runner call."""

    def __call__(session, site, cron):
        """A context manager for the run of ``cron`` of ``site`` in
        ``session`` (the run's connection and transaction manager): it
        yields the object handed to the runner as its site, and undoes
        whatever it set up when the run ends, on failure too."""


# -- events ----------------------------------------------------------------

class IModifiedCrontabEvent(IObjectEvent):
    """A crontab was saved; ``object`` is the crontab."""

    site = Attribute("The ICronSite owning it.")
    crons = Attribute("The uids saved, or None: the whole crontab.")


class ICrontabSynchronisationEvent(IObjectEvent):
    """The queue must be made to match ``object`` (a crontab) now."""

    site = Attribute("The ICronSite owning it.")
    crons = Attribute("The uids to look at, or None: every cron.")


class IServerRestartEvent(Interface):
    """A worker starts: every marked site's jobs are re-registered, in a
    transaction and a thread of the worker's own, while its runs begin."""

    db = Attribute("The ZODB database the worker serves.")
    root = Attribute("zcron's IZcronRoot, in that transaction's connection.")
    step = Attribute("None: all the work in the caller's transaction; or a "
                     "callable running ``work()`` in a transaction of its own "
                     "(retried alone) and returning its result: the work then "
                     "comes in chunks of a thousand crons.")


class IStartedCronJobEvent(IObjectEvent):
    """A run starts; ``object`` is the cron."""

    site = Attribute("The ICronSite.")
    job = Attribute("The IJob being run.")


class IFinishedCronJobEvent(IObjectEvent):
    """A run ended, whatever its outcome (a NOTRUN too); ``object`` is the cron."""

    site = Attribute("The ICronSite.")
    job = Attribute("The IJob.")
    log = Attribute("The ILog entry written for it.")


class IClock(Interface):
    """The one source of 'now'. Tests register a fake one as a utility."""

    def now():
        """The current time, aware, in UTC."""

    def sleep(seconds):
        """Wait; a fake clock may advance itself instead."""


# -- the audit trail (zcron.audit) ---------------------------------------------------

class IChange(Interface):
    """One recorded change to one cron of a site (or to its crontab's
    switch: the uid ''), the net change of one transaction."""

    id = Attribute("Its number in its site's history, growing from 1.")
    when = Attribute("When it was committed: aware datetime in UTC.")
    who = Attribute("Who made it: a dashboard user, USER@HOST or --as, 'worker', 'sync'.")
    note = Attribute("Why ('' if nobody said): --note, the form's note, the pause note.")
    kind = Attribute("'add', 'edit' or 'remove'.")
    uid = Attribute("The cron's uid ('': the crontab's switch).")
    name = Attribute("The cron's name then ('crontab' for the switch).")
    fields = Attribute("For an edit, {field: [old, new]} in the dump's JSON form.")
    dump = Attribute("For an add or a removal, the cron's dump (logs aside); else None.")

    def touched():
        """The names of the fields it changed (every field for an add or a removal)."""

    def as_json():
        """A JSON-serialisable dict of it (what ``zcron history --json`` prints)."""


class ISiteAudit(Interface):
    """A site's history: its last ``limit`` IChanges by id."""

    limit = Attribute("How many changes are kept; the oldest go first.")
    last = Attribute("The id of the newest change ever recorded (0: none).")

    def next_id():
        """A new change id (the one after ``last``)."""

    def add(change):
        """Keep ``change``, dropping what falls out of the limit."""

    def get(site_name, change_id):
        """The change of that id; InvalidInput when it is not kept."""

    def newest(limit=None, match=None):
        """Changes newest first, those ``match(change)`` keeps, at most ``limit``."""

    def later(change):
        """The changes after ``change`` to the same cron, oldest first."""


# -- alerts (zcron.alerts) ------------------------------------------------------

class ICronAlertEvent(IObjectEvent):
    """Something an operator should hear of; ``object`` (and ``cron``) is
    the cron. Fired once, by one worker, after the commit recording it."""

    site = Attribute("The ICronSite.")
    cron = Attribute("The ICron (the same as ``object``).")


class ICronOverdueEvent(ICronAlertEvent):
    """The cron has not succeeded (OK or WARN) for longer than its
    ``alert_no_success``: once per overdue episode."""

    since = Attribute("Its last success, or its creation or last resume.")


class ICronRecoveredEvent(ICronAlertEvent):
    """An overdue cron succeeded again: its episode is over."""

    since = Attribute("When its overdue episode began (its last success before).")


class ICronRunningLongEvent(ICronAlertEvent):
    """A run has been going longer than ``alert_running``: once per run."""

    execution_id = Attribute("The run's execution id.")
    started = Attribute("When the run started.")


class ICronAutoPausedEvent(ICronAlertEvent):
    """The circuit breaker paused the cron after consecutive failures."""

    note = Attribute("The pause note, saying why and when.")
