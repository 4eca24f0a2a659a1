// The example of the README's "Testing code that uses the crate", compiled and run: the README
// shows this file from its first `use` on (tests/mock_atlas.rs checks that it does).

use atlas_admin::models::{ApiError, CloudDatabaseUser, OrgUserResponse};
use atlas_admin::testing::{MockAtlas, Operation};
use atlas_downstream_example::{database_usernames, grant_read_only};
use serde_json::json;

#[tokio::test]
async fn lists_users_and_grants_a_role() {
    let atlas = MockAtlas::start().await;
    let group = "32b6e34b3d91647abb20e7b8";
    let (ada, alan) = ("5d1113b25a115342acc2d1aa", "5d1113b25a115342acc2d1ab");

    // Three pages: five users, two a page (what `database_usernames` asks for).
    let names = ["ada", "grace", "alan", "edsger", "barbara"];
    let users: Vec<CloudDatabaseUser> = names
        .iter()
        .map(|name| json!({"databaseName": "admin", "username": name}))
        .map(|user| serde_json::from_value(user).unwrap())
        .collect();
    atlas
        .on_list_database_users()
        .group_id(group)
        .respond_pages(users);
    // A success, in the operation's own type...
    let user: OrgUserResponse = serde_json::from_value(json!({
        "id": ada, "orgMembershipStatus": "ACTIVE", "username": "ada@example.com",
        "firstName": "Ada", "lastName": "Lovelace", "createdAt": "2024-01-01T00:00:00Z",
        "roles": {"orgRoles": ["ORG_MEMBER"]}
    }))
    .unwrap();
    atlas
        .on_add_project_role()
        .user_id(ada)
        .times(1)
        .respond(user);
    // ...and an API error.
    let conflict: ApiError = serde_json::from_value(json!({
        "error": 409, "errorCode": "USER_ALREADY_IN_GROUP", "detail": "Already in the project."
    }))
    .unwrap();
    atlas
        .on_add_project_role()
        .user_id(alan)
        .respond_error(409, conflict);

    // The code under test, given a client pointed at the fake.
    let client = atlas.client();
    assert_eq!(database_usernames(&client, group).await.unwrap(), names);
    assert!(grant_read_only(&client, group, ada).await.unwrap());
    assert!(!grant_read_only(&client, group, alan).await.unwrap());

    // What it sent, by operation.
    let pages = atlas.calls_to(Operation::ListDatabaseUsers);
    let numbers: Vec<_> = pages
        .iter()
        .map(|page| page.query_param("pageNum"))
        .collect();
    assert_eq!(numbers, [Some("1"), Some("2"), Some("3")]);
    assert_eq!(atlas.calls_to(Operation::AddProjectRole).len(), 2);
}
