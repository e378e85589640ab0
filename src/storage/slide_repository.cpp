#include "convene/storage/slide_repository.hpp"

namespace convene::storage {
namespace {

constexpr std::string_view kSelectSlides =
    "SELECT id, session_id, position, kind, title, body, created_at FROM slides "
    "WHERE session_id = ? ORDER BY position, created_at, id";
constexpr std::string_view kInsertSlide =
    "INSERT INTO slides (id, session_id, position, kind, title, body, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view kUpdateSlide =
    "UPDATE slides SET title = ?, body = ?, position = ? WHERE id = ?";
constexpr std::string_view kDeleteSlide = "DELETE FROM slides WHERE id = ?";

model::Slide ReadSlide(const Statement& row) {
    return model::Slide{
        .id = row.Text(0),
        .session_id = row.Text(1),
        .position = static_cast<int>(row.Int(2)),
        .kind = row.Text(3) == "join" ? model::SlideKind::kJoin : model::SlideKind::kText,
        .title = row.Text(4),
        .body = row.Text(5),
        .created_at = row.Time(6),
    };
}

}  // namespace

std::vector<model::Slide> SlideRepository::List(Connection& db, std::string_view session_id) {
    return db.Prepare(kSelectSlides).BindAll(session_id).ReadAll(ReadSlide);
}

void SlideRepository::Insert(Connection& db, const model::Slide& slide) {
    db.Prepare(kInsertSlide)
        .BindAll(slide.id, slide.session_id, slide.position, model::SlideKindName(slide.kind),
                 slide.title, slide.body, slide.created_at)
        .Run();
}

void SlideRepository::Update(Connection& db, const model::Slide& slide) {
    db.Prepare(kUpdateSlide).BindAll(slide.title, slide.body, slide.position, slide.id).Run();
}

void SlideRepository::Delete(Connection& db, std::string_view slide_id) {
    db.Prepare(kDeleteSlide).BindAll(slide_id).Run();
}

}  // namespace convene::storage
