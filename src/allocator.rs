//! The memory allocator: mimalloc, for every binary that links this crate (the service, its
//! tests and its benchmarks alike).
//!
//! A request allocates and frees hundreds of small strings (a page of fifty bilingual
//! models: every text column decoded, copied into its view and serialized). With glibc's
//! allocator that was about 15% of the service's instructions; mimalloc took 13.7% off
//! the whole of such a page (callgrind: 5.10 to 4.40 million instructions a request), 14%
//! off a claim and 10% off a 304.
//!
//! mimalloc reserves its memory in large aligned regions. Where the kernel backs anonymous
//! memory with transparent huge pages whenever it can (`always`, as on the benchmark
//! machine), each first touch of such a region made 2 MiB resident at once: the service
//! started at 67 MB, against 38 MB with glibc's allocator.
//! [`disable_transparent_huge_pages`] turns them off for the process; it then starts at
//! 44 MB and peaked at 48 MB under the benchmark's scenarios.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Turns transparent huge pages off for this process (Linux; elsewhere nothing to do). Call
/// it first thing: memory touched before keeps the pages it has.
pub fn disable_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    if let Err(err) = nix::sys::prctl::set_thp_disable(true) {
        // Only memory use is at stake, not correctness.
        eprintln!("could not turn transparent huge pages off for this process: {err}");
    }
}
