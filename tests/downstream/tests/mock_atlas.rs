//! The downstream crate's own tests, written from the rustdoc of `atlas_admin::testing` alone:
//! a fake Atlas programmed in the crate's types, no HTTP mock by hand.

use atlas_admin::models::{
    AddOrRemoveGroupRole, AddOrRemoveGroupRoleGroupRole, ApiError, OrgUserResponse,
    PaginatedApiAtlasDatabaseUserView,
};
use atlas_admin::testing::MockAtlas;
use atlas_downstream_example::{database_usernames, grant_read_only};
use serde_json::json;

const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const USER: &str = "5d1113b25a115342acc2d1aa";

fn page(names: &[&str]) -> PaginatedApiAtlasDatabaseUserView {
    let users: Vec<_> = names
        .iter()
        .map(|name| json!({"databaseName": "admin", "groupId": GROUP, "username": name, "roles": []}))
        .collect();
    serde_json::from_value(json!({ "results": users })).unwrap()
}

fn active_user() -> OrgUserResponse {
    serde_json::from_value(json!({
        "id": USER, "orgMembershipStatus": "ACTIVE", "username": "ada@example.com",
        "firstName": "Ada", "lastName": "Lovelace", "createdAt": "2024-01-01T00:00:00Z",
        "roles": {"orgRoles": ["ORG_MEMBER"]}
    }))
    .unwrap()
}

#[tokio::test]
async fn usernames_are_read_across_pages() {
    let atlas = MockAtlas::start().await;
    atlas
        .on_list_database_users()
        .group_id(GROUP)
        .page_num(1)
        .respond(page(&["a", "b"]));
    atlas
        .on_list_database_users()
        .group_id(GROUP)
        .page_num(2)
        .respond(page(&["c"]));
    let names = database_usernames(&atlas.client(), GROUP).await.unwrap();
    assert_eq!(names, ["a", "b", "c"]);
    assert_eq!(atlas.calls("listDatabaseUsers").len(), 2);
}

#[tokio::test]
async fn granting_sends_the_read_only_role() {
    let atlas = MockAtlas::start().await;
    atlas
        .on_add_project_role()
        .group_id(GROUP)
        .user_id(USER)
        .times(1)
        .respond(active_user());
    assert!(grant_read_only(&atlas.client(), GROUP, USER).await.unwrap());
    atlas.assert_called_once_with_body(&AddOrRemoveGroupRole::new(
        AddOrRemoveGroupRoleGroupRole::GroupReadOnly,
    ));
}

#[tokio::test]
async fn a_user_who_has_the_role_already_is_not_an_error() {
    let atlas = MockAtlas::start().await;
    let conflict: ApiError = serde_json::from_value(json!({
        "error": 409, "errorCode": "USER_ALREADY_IN_GROUP", "detail": "The user is already in the project."
    }))
    .unwrap();
    atlas.on_add_project_role().respond_error(409, conflict);
    assert!(!grant_read_only(&atlas.client(), GROUP, USER).await.unwrap());
}

#[tokio::test]
async fn a_request_for_another_project_names_what_differed() {
    let atlas = MockAtlas::start().await;
    atlas
        .on_list_database_users()
        .group_id(GROUP)
        .respond(page(&[]));
    let other = "aaaaaaaaaaaaaaaaaaaaaaaa";
    let error = database_usernames(&atlas.client(), other)
        .await
        .unwrap_err();
    let text = error.to_string();
    assert_eq!(error.status(), Some(501), "{text}");
    assert!(text.contains("listDatabaseUsers"), "{text}");
    assert!(
        text.contains(&format!("groupId is \"{other}\", not \"{GROUP}\"")),
        "{text}"
    );
}

#[tokio::test]
async fn a_request_nothing_was_programmed_for_is_answered_at_once() {
    let atlas = MockAtlas::start().await;
    let started = std::time::Instant::now();
    let error = grant_read_only(&atlas.client(), GROUP, USER)
        .await
        .unwrap_err();
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    assert!(error.to_string().contains("addProjectRole"), "{error}");
    assert!(
        error.to_string().contains("nothing was programmed"),
        "{error}"
    );
    let recorded = atlas.requests();
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].operation, Some("addProjectRole"));
    let body: AddOrRemoveGroupRole = recorded[0].body_as().unwrap();
    assert_eq!(
        body.group_role,
        AddOrRemoveGroupRoleGroupRole::GroupReadOnly
    );
}
