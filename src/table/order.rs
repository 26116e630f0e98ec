//! The per-user order: each user's rows sorted by `(time, input row)`.

/// For each user key, that user's row numbers sorted by `(time, row)`.
#[derive(Debug, Clone, Default)]
pub struct UserOrder {
    offsets: Vec<u32>,
    rows: Vec<u32>,
}

impl UserOrder {
    /// Builds the order: a counting sort by user (stable, so rows stay in input
    /// order), then a stable sort by time within each user.
    pub fn build(user: &[u32], time: &[i64], users: usize) -> Self {
        let mut offsets = vec![0u32; users + 1];
        for &u in user {
            offsets[u as usize + 1] += 1;
        }
        for i in 0..users {
            offsets[i + 1] += offsets[i];
        }
        let mut next = offsets.clone();
        let mut rows = vec![0u32; user.len()];
        for (row, &u) in user.iter().enumerate() {
            let slot = &mut next[u as usize];
            rows[*slot as usize] = row as u32;
            *slot += 1;
        }
        for u in 0..users {
            let span = &mut rows[offsets[u] as usize..offsets[u + 1] as usize];
            if span
                .windows(2)
                .any(|w| time[w[0] as usize] > time[w[1] as usize])
            {
                span.sort_by_key(|&r| time[r as usize]);
            }
        }
        Self { offsets, rows }
    }
    /// The rows of one user, in order.
    pub fn rows_of(&self, user: u32) -> &[u32] {
        let u = user as usize;
        &self.rows[self.offsets[u] as usize..self.offsets[u + 1] as usize]
    }
    /// Bytes held on the heap.
    pub fn heap_bytes(&self) -> usize {
        (self.offsets.capacity() + self.rows.capacity()) * 4
    }
    /// Number of users.
    pub fn users(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }
    /// Every user key with its ordered rows.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &[u32])> {
        (0..self.users() as u32).map(move |u| (u, self.rows_of(u)))
    }
}
