//! The downstream crate's own tests, written from the rustdoc of `atlas_admin::testing` alone:
//! a fake Atlas programmed in the crate's types, no HTTP mock by hand.

use atlas_admin::models::CloudDatabaseUser;
use atlas_admin::models::{
    AddOrRemoveGroupRole, ApiError, GroupRole, OrgUserResponse, PaginatedApiAtlasDatabaseUserView,
};
use atlas_admin::testing::{MockAtlas, Operation};
use atlas_downstream_example::{database_usernames, grant_read_only};
use futures_util::TryStreamExt;
use serde_json::{Value, json};

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

/// Database users named `user1` to `user{count}`.
fn users(count: usize) -> Vec<CloudDatabaseUser> {
    (1..=count)
        .map(|i| json!({"databaseName": "admin", "groupId": GROUP, "username": format!("user{i}"), "roles": []}))
        .map(|user| serde_json::from_value(user).unwrap())
        .collect()
}

#[tokio::test]
async fn usernames_are_read_across_pages() {
    let atlas = MockAtlas::start().await;
    atlas
        .on_list_database_users()
        .group_id(GROUP)
        .respond_pages(users(7));
    let names = database_usernames(&atlas.client(), GROUP).await.unwrap();
    let expected: Vec<String> = (1..=7).map(|i| format!("user{i}")).collect();
    assert_eq!(names, expected);
    // `database_usernames` asks for two a page: 2 + 2 + 2 + 1.
    let calls = atlas.calls_to(Operation::ListDatabaseUsers);
    let pages: Vec<_> = calls.iter().map(|c| c.query_param("pageNum")).collect();
    assert_eq!(pages, [Some("1"), Some("2"), Some("3"), Some("4")]);
    assert!(
        calls
            .iter()
            .all(|c| c.query_param("itemsPerPage") == Some("2"))
    );
}

#[tokio::test]
async fn pages_are_served_to_a_stream_three_at_a_time() {
    let atlas = MockAtlas::start().await;
    atlas
        .on_list_database_users()
        .group_id(GROUP)
        .respond_pages(users(7));
    let names: Vec<String> = atlas
        .client()
        .list_database_users()
        .group_id(GROUP)
        .items_per_page(3)
        .stream()
        .map_ok(|user| user.username)
        .try_collect()
        .await
        .unwrap();
    let expected: Vec<String> = (1..=7).map(|i| format!("user{i}")).collect();
    assert_eq!(names, expected);
    let calls = atlas.calls_to(Operation::ListDatabaseUsers);
    let pages: Vec<_> = calls.iter().map(|c| c.query_param("pageNum")).collect();
    assert_eq!(pages, [Some("1"), Some("2"), Some("3")]);
}

/// Page `page_num` of seven users, `items_per_page` a page (the server's default when `None`),
/// as JSON.
async fn page_of_seven(page_num: Option<i64>, items_per_page: Option<i64>) -> Value {
    let atlas = MockAtlas::start().await;
    atlas
        .on_list_database_users()
        .group_id(GROUP)
        .respond_pages(users(7));
    let mut request = atlas.client().list_database_users().group_id(GROUP);
    if let Some(page_num) = page_num {
        request = request.page_num(page_num);
    }
    if let Some(items_per_page) = items_per_page {
        request = request.items_per_page(items_per_page);
    }
    serde_json::to_value(request.send().await.unwrap()).unwrap()
}

fn usernames(page: &Value) -> Vec<&str> {
    let results = page["results"].as_array().unwrap();
    results
        .iter()
        .map(|user| user["username"].as_str().unwrap())
        .collect()
}

/// Each link's `rel` and the `pageNum` and `itemsPerPage` of its `href`.
fn links(page: &Value) -> Vec<(String, String)> {
    let links = page["links"].as_array().unwrap();
    links
        .iter()
        .map(|link| {
            let href = link["href"].as_str().unwrap();
            let query = href.split_once('?').unwrap().1;
            (link["rel"].as_str().unwrap().to_string(), query.to_string())
        })
        .collect()
}

#[tokio::test]
async fn a_page_asked_for_is_the_slice_atlas_would_send() {
    let second = page_of_seven(Some(2), Some(3)).await;
    assert_eq!(usernames(&second), ["user4", "user5", "user6"]);
    assert_eq!(second["totalCount"], 7);
    let expected = [
        ("previous", "pageNum=1&itemsPerPage=3"),
        ("self", "pageNum=2&itemsPerPage=3"),
        ("next", "pageNum=3&itemsPerPage=3"),
    ];
    let expected: Vec<_> = expected
        .iter()
        .map(|(rel, query)| (rel.to_string(), query.to_string()))
        .collect();
    assert_eq!(links(&second), expected);
    let href = second["links"][1]["href"].as_str().unwrap();
    assert!(
        href.contains(&format!("/api/atlas/v2/groups/{GROUP}/databaseUsers?")),
        "{href}"
    );

    // The last page is short, and has no `next`.
    let last = page_of_seven(Some(3), Some(3)).await;
    assert_eq!(usernames(&last), ["user7"]);
    let rels: Vec<String> = links(&last).into_iter().map(|(rel, _)| rel).collect();
    assert_eq!(rels, ["previous", "self"]);

    // Past the end: no items, the total still.
    let past = page_of_seven(Some(4), Some(3)).await;
    assert_eq!(usernames(&past), Vec::<&str>::new());
    assert_eq!(past["totalCount"], 7);

    // Neither number nor size: page 1 of the spec's default size (100), all of them.
    let all = page_of_seven(None, None).await;
    assert_eq!(usernames(&all).len(), 7);
    let expected = vec![("self".to_string(), "pageNum=1&itemsPerPage=100".to_string())];
    assert_eq!(links(&all), expected);
}

#[tokio::test]
async fn the_count_is_left_out_when_the_request_says_so() {
    let atlas = MockAtlas::start().await;
    atlas.on_list_database_users().respond_pages(users(2));
    let page = atlas
        .client()
        .list_database_users()
        .group_id(GROUP)
        .include_count(false)
        .await
        .unwrap();
    let page = serde_json::to_value(page).unwrap();
    assert_eq!(usernames(&page), ["user1", "user2"]);
    assert_eq!(page.get("totalCount"), None);
}

#[tokio::test]
async fn calls_are_looked_up_by_operation() {
    let atlas = MockAtlas::start().await;
    atlas.on_list_database_users().respond(page(&["a"]));
    atlas.on_add_project_role().respond(active_user());
    let client = atlas.client();
    database_usernames(&client, GROUP).await.unwrap();
    grant_read_only(&client, GROUP, USER).await.unwrap();
    let listed = atlas.calls_to(Operation::ListDatabaseUsers);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].operation, Some(Operation::ListDatabaseUsers));
    assert_eq!(listed[0].query_param("itemsPerPage"), Some("2"));
    assert_eq!(listed[0].query_param("absent"), None);
    let granted = atlas.calls_to(Operation::AddProjectRole);
    assert_eq!(granted.len(), 1);
    assert!(granted[0].path.ends_with(&format!("/users/{USER}:addRole")));
    assert!(atlas.calls_to(Operation::DeleteRoleMapping).is_empty());
    assert_eq!(Operation::ListDatabaseUsers.id(), "listDatabaseUsers");
    assert_eq!(Operation::AddProjectRole.method(), "POST");
    assert_eq!(
        Operation::ListDatabaseUsers.path(),
        "/api/atlas/v2/groups/{groupId}/databaseUsers"
    );
}

#[tokio::test]
#[allow(deprecated)]
#[should_panic(expected = "\"listDatabaseUser\" is no operation of this crate")]
async fn an_operation_id_that_names_nothing_is_not_an_empty_list() {
    let atlas = MockAtlas::start().await;
    atlas.calls("listDatabaseUser");
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
    atlas.assert_called_once_with_body(&AddOrRemoveGroupRole::new(GroupRole::GroupReadOnly));
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
    assert_eq!(recorded[0].operation, Some(Operation::AddProjectRole));
    let body: AddOrRemoveGroupRole = recorded[0].body_as().unwrap();
    assert_eq!(body.group_role, GroupRole::GroupReadOnly);
}

/// The README's example is `tests/readme_example.rs`, which compiles and runs.
#[test]
fn the_readme_shows_the_example_that_is_tested() {
    let readme = include_str!("../../../README.md");
    let section = readme
        .split("### Testing code that uses the crate")
        .nth(1)
        .expect("the README has the section");
    let block = section
        .split("```rust\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .expect("the section has a Rust example");
    let example = include_str!("readme_example.rs");
    let tested = &example[example.find("use ").unwrap()..];
    assert_eq!(
        block.trim(),
        tested.trim(),
        "README.md and tests/readme_example.rs differ"
    );
}

/// A missing index is `false` (`Error::is_not_found`); another error is the caller's.
#[tokio::test]
async fn a_missing_search_index_is_false_and_other_errors_are_errors() {
    use atlas_admin::models::ApiError;
    use atlas_downstream_example::has_search_index;
    let atlas = MockAtlas::start().await;
    let not_found: ApiError = serde_json::from_value(serde_json::json!({
        "error": 404, "errorCode": "INDEX_NOT_FOUND"
    }))
    .unwrap();
    atlas
        .on_get_atlas_search_index_by_name()
        .index_name("gone")
        .respond_error(404, not_found);
    let forbidden: ApiError =
        serde_json::from_value(serde_json::json!({"error": 403, "errorCode": "FORBIDDEN"}))
            .unwrap();
    atlas
        .on_get_atlas_search_index_by_name()
        .index_name("secret")
        .respond_error(403, forbidden);
    let client = atlas.client();
    let group = "32b6e34b3d91647abb20e7b8";
    let place = |index| ("db", "movies", index);
    assert!(
        !has_search_index(&client, group, "Cluster0", place("gone"))
            .await
            .unwrap()
    );
    let error = has_search_index(&client, group, "Cluster0", place("secret"))
        .await
        .unwrap_err();
    assert_eq!(
        (error.status(), error.error_code()),
        (Some(403), Some("FORBIDDEN"))
    );
}
