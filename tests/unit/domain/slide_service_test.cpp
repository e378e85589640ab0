#include "convene/domain/slide_service.hpp"

#include <gtest/gtest.h>

#include "service_fixture.hpp"

namespace convene::domain {
namespace {

using model::SlideKind;

class SlideServiceTest : public testing::ServiceFixture {
protected:
    SlideServiceTest() : owner(NewUser("owner@example.org")), helper(NewUser("helper@example.org")) {
        session = sessions.Create(owner, {.title = "Deck"})->session;
    }

    std::vector<std::string> Titles() {
        std::vector<std::string> titles;
        const auto deck = slides.List(owner, session.id);  // kept alive for the loop
        for (const auto& slide : deck->slides) titles.push_back(slide.title);
        return titles;
    }

    model::Slide Add(const std::string& title, std::optional<int> position = std::nullopt) {
        auto slide = slides.Add(owner, session.id, {SlideKind::kText, title, "body", position});
        EXPECT_TRUE(slide) << (slide ? "" : slide.error().code);
        return *slide;
    }

    model::User owner;
    model::User helper;
    model::Session session;
};

TEST_P(SlideServiceTest, NewSessionsStartWithAnActiveJoinSlide) {
    auto deck = slides.List(owner, session.id);
    ASSERT_TRUE(deck);
    ASSERT_EQ(deck->slides.size(), 1u);
    EXPECT_EQ(deck->slides[0].kind, SlideKind::kJoin);
    EXPECT_EQ(deck->active_slide_id, deck->slides[0].id);
    EXPECT_EQ(session.active_slide_id, deck->slides[0].id);
}

TEST_P(SlideServiceTest, AddAtTheEndOrAtAPosition) {
    Add("B");
    Add("D");
    Add("C", 2);
    Add("A", 1);
    EXPECT_EQ(Titles(), (std::vector<std::string>{"Join", "A", "B", "C", "D"}));
    auto deck = slides.List(owner, session.id);
    for (std::size_t i = 0; i < deck->slides.size(); ++i) {
        EXPECT_EQ(deck->slides[i].position, static_cast<int>(i));
    }
    EXPECT_EQ(slides.Add(owner, session.id, {SlideKind::kText, "x", "", 9}).error().code,
              "invalid_position");
}

TEST_P(SlideServiceTest, EditAndReorder) {
    const auto a = Add("A");
    Add("B");
    Add("C");
    auto edited = slides.Update(owner, session.id, a.id, {"A2", "new body", std::nullopt});
    ASSERT_TRUE(edited);
    EXPECT_EQ(edited->title, "A2");
    EXPECT_EQ(edited->body, "new body");
    auto moved = slides.Update(owner, session.id, a.id, {std::nullopt, std::nullopt, 3});
    ASSERT_TRUE(moved);
    EXPECT_EQ(moved->position, 3);
    EXPECT_EQ(Titles(), (std::vector<std::string>{"Join", "B", "C", "A2"}));
    slides.Update(owner, session.id, a.id, {std::nullopt, std::nullopt, 0});
    EXPECT_EQ(Titles(), (std::vector<std::string>{"A2", "Join", "B", "C"}));
    EXPECT_EQ(slides.Update(owner, session.id, a.id, {std::nullopt, std::nullopt, 4}).error().code,
              "invalid_position");
    EXPECT_EQ(slides.Update(owner, session.id, "nope", {"x", std::nullopt, std::nullopt})
                  .error()
                  .code,
              "slide_not_found");
}

TEST_P(SlideServiceTest, ActivateAndRemove) {
    const auto a = Add("A");
    auto deck = slides.Activate(owner, session.id, a.id);
    ASSERT_TRUE(deck);
    EXPECT_EQ(deck->active_slide_id, a.id);
    EXPECT_EQ(sessions.Get(owner, session.id)->session.active_slide_id, a.id);
    ASSERT_TRUE(slides.Remove(owner, session.id, a.id));
    EXPECT_FALSE(slides.List(owner, session.id)->active_slide_id);
    EXPECT_EQ(Titles(), (std::vector<std::string>{"Join"}));
    EXPECT_EQ(slides.Remove(owner, session.id, a.id).error().code, "slide_not_found");
    EXPECT_EQ(slides.Activate(owner, session.id, a.id).error().code, "slide_not_found");
}

TEST_P(SlideServiceTest, CoFacilitatorsEditStrangersSeeNothing) {
    EXPECT_EQ(slides.List(helper, session.id).error().code, "session_not_found");
    EXPECT_EQ(slides.Add(helper, session.id, {}).error().code, "session_not_found");
    AddFacilitator(session.id, helper);
    auto added = slides.Add(helper, session.id, {SlideKind::kText, "By helper", "", std::nullopt});
    ASSERT_TRUE(added);
    EXPECT_TRUE(slides.Activate(helper, session.id, added->id));
}

TEST_P(SlideServiceTest, ContentIsValidated) {
    EXPECT_EQ(slides.Add(owner, session.id, {SlideKind::kText, std::string(201, 't'), "", {}})
                  .error()
                  .code,
              "invalid_title");
    EXPECT_EQ(slides.Add(owner, session.id, {SlideKind::kText, "a\nb", "", {}}).error().code,
              "invalid_title");
    EXPECT_EQ(slides.Add(owner, session.id, {SlideKind::kText, "t", std::string(10'001, 'b'), {}})
                  .error()
                  .code,
              "invalid_body");
    EXPECT_TRUE(slides.Add(owner, session.id, {SlideKind::kText, "t", "line 1\nline 2", {}}));
}

TEST_P(SlideServiceTest, ASessionHoldsAtMost200Slides) {
    for (int i = 1; i < SlideService::kMaxSlides; ++i) Add("s" + std::to_string(i));
    EXPECT_EQ(slides.Add(owner, session.id, {}).error().code, "too_many_slides");
}

TEST_P(SlideServiceTest, DuplicateCopiesTheSlidesAndWhichIsActive) {
    Add("A");
    const auto b = Add("B");
    slides.Activate(owner, session.id, b.id);
    auto copy = sessions.Duplicate(owner, session.id);
    ASSERT_TRUE(copy);
    auto deck = slides.List(owner, copy->session.id);
    ASSERT_EQ(deck->slides.size(), 3u);
    EXPECT_EQ(deck->slides[2].title, "B");
    EXPECT_NE(deck->slides[2].id, b.id);
    EXPECT_EQ(deck->active_slide_id, deck->slides[2].id);
    EXPECT_EQ(Titles(), (std::vector<std::string>{"Join", "A", "B"}));  // original untouched
}

CONVENE_ON_BOTH_ENGINES(SlideServiceTest);

}  // namespace
}  // namespace convene::domain
