//! Code that uses `atlas-admin`, as a downstream crate writes it: it never names a URL or a
//! mock, only the crate's client and types. `tests/mock_atlas.rs` tests it against
//! `atlas_admin::testing::MockAtlas`.

use atlas_admin::models::{AddOrRemoveGroupRole, GroupRole};
use atlas_admin::{Client, Error};

/// The user names of every database user of a project, across all pages.
pub async fn database_usernames(client: &Client, group_id: &str) -> Result<Vec<String>, Error> {
    client
        .list_database_users()
        .group_id(group_id)
        .items_per_page(2)
        .stream()
        .try_collect()
        .await
        .map(|users| users.into_iter().map(|user| user.username).collect())
}

/// Whether a cluster has an Atlas Search index of that name: `false` when Atlas answers 404.
pub async fn has_search_index(
    client: &Client,
    group_id: &str,
    cluster: &str,
    (database, collection, index): (&str, &str, &str),
) -> Result<bool, Error> {
    let found = client
        .get_atlas_search_index_by_name()
        .group_id(group_id)
        .cluster_name(cluster)
        .database_name(database)
        .collection_name(collection)
        .index_name(index)
        .await;
    match found {
        Ok(_) => Ok(true),
        Err(error) if error.is_not_found() => Ok(false),
        Err(error) => Err(error),
    }
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
        Err(error) if error.error_code() == Some("USER_ALREADY_IN_GROUP") => Ok(false),
        Err(error) if error.status() == Some(409) => Ok(false),
        Err(error) => Err(error),
    }
}
