//! Code that uses `atlas-admin`, as a downstream crate writes it: it never names a URL or a
//! mock, only the crate's client and types. `tests/mock_atlas.rs` tests it against
//! `atlas_admin::testing::MockAtlas`.

use atlas_admin::models::{AddOrRemoveGroupRole, GroupRole};
use atlas_admin::{Client, Error};
use futures_util::TryStreamExt;

/// The user names of every database user of a project, across all pages.
pub async fn database_usernames(client: &Client, group_id: &str) -> Result<Vec<String>, Error> {
    client
        .list_database_users()
        .group_id(group_id)
        .items_per_page(2)
        .stream()
        .map_ok(|user| user.username)
        .try_collect()
        .await
}

/// Gives a MongoDB Cloud user read-only access to a project; `false` when Atlas answers that
/// the user has it already (409).
pub async fn grant_read_only(
    client: &Client,
    group_id: &str,
    user_id: &str,
) -> Result<bool, Error> {
    let role = AddOrRemoveGroupRole::new(GroupRole::GroupReadOnly);
    match client
        .add_project_role()
        .group_id(group_id)
        .user_id(user_id)
        .body(role)
        .await
    {
        Ok(_) => Ok(true),
        Err(error) if error.status() == Some(409) => Ok(false),
        Err(error) => Err(error),
    }
}
